"""Moderators' pages: syntheses, hiding, locks, suspensions, queue, audit log."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refusal
from core.http import post_data as _data

from .. import selectors, services
from ..forms import (
    AuditLogFilterForm,
    OptionalReasonForm,
    ReasonForm,
    SuspendForm,
    SynthesisForm,
)
from ..models import Suspension
from ._common import (
    AUDIT_LOG_PER_PAGE,
    QUEUE_PER_PAGE,
    _back_to,
    _comment,
    _consultation,
    _moderator_guard,
    _recommendation,
    moderators_only,
)

# --- moderation ------------------------------------------------------------------


def synthesis_edit(request, pk, slug):
    consultation = _consultation(pk)
    recommendation = _recommendation(consultation, slug)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    synthesis = selectors.synthesis_get(consultation=consultation, recommendation=recommendation)
    form = SynthesisForm(_data(request), initial={"body": synthesis.body if synthesis else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.synthesis_write(
                consultation=consultation,
                recommendation=recommendation,
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The synthesis has been saved."))
            return redirect(
                reverse("consultations:recommendation-detail", args=[pk, slug]) + "#synthesis"
            )
    return render(
        request,
        "consultations/synthesis_form.html",
        {"form": form, "consultation": consultation, "recommendation": recommendation},
    )


def comment_hide(request, pk):
    comment = _comment(pk)
    denied = _moderator_guard(request, comment.consultation)
    if denied:
        return denied
    form = ReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_hide(
                comment=comment, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The comment has been hidden; its author can see why."))
            return redirect(_safe_next(request) or _back_to(comment))
    return render(
        request,
        "consultations/comment_moderate.html",
        {"form": form, "comment": comment, "action": "hide"},
    )


def _moderation_post(request, pk, service, success: str, action: str):
    comment = _comment(pk)
    denied = _moderator_guard(request, comment.consultation)
    if denied:
        return denied
    form = OptionalReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            service(comment=comment, reason=form.cleaned_data["reason"], by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(_safe_next(request) or _back_to(comment))
    return render(
        request,
        "consultations/comment_moderate.html",
        {"form": form, "comment": comment, "action": action},
    )


def _safe_next(request) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


def comment_restore(request, pk):
    return _moderation_post(
        request, pk, services.comment_restore, _("The comment has been restored."), "restore"
    )


def comment_flags_dismiss(request, pk):
    return _moderation_post(
        request,
        pk,
        services.comment_flags_dismiss,
        _("The flags have been dismissed."),
        "dismiss",
    )


def thread_lock(request, pk):
    return _moderation_post(
        request, pk, services.thread_lock, _("The thread has been locked."), "lock"
    )


def thread_unlock(request, pk):
    return _moderation_post(
        request, pk, services.thread_unlock, _("The thread has been unlocked."), "unlock"
    )


def suspension_list(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    initial = {}
    if request.GET.get("user", "").isdigit():
        user = get_user_model().objects.filter(pk=int(request.GET["user"])).first()
        if user is not None and not user.is_former_participant:
            initial["email"] = user.email
    form = SuspendForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_suspend(
                consultation=consultation,
                user=form.user,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The person has been suspended from this consultation."))
            return redirect("consultations:suspension-list", pk=consultation.pk)
    return render(
        request,
        "consultations/suspension_list.html",
        {
            "consultation": consultation,
            "form": form,
            "suspensions": selectors.active_suspensions(consultation=consultation),
        },
    )


@require_POST
def suspension_lift(request, pk):
    suspension = get_object_or_404(Suspension.objects.select_related("consultation", "user"), pk=pk)
    denied = _moderator_guard(request, suspension.consultation)
    if denied:
        return denied
    try:
        services.suspension_lift(suspension=suspension, by=request.user)
    except Refusal as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The suspension has been lifted."))
    return redirect("consultations:suspension-list", pk=suspension.consultation_id)


@moderators_only
def moderation_queue(request):
    consultations = list(selectors.moderated_consultations(viewer=request.user))
    chosen = None
    consultation_id = request.GET.get("consultation")
    if consultation_id and consultation_id.isdigit():
        chosen = next((c for c in consultations if c.pk == int(consultation_id)), None)
    queue = selectors.moderation_queue(viewer=request.user, consultation=chosen)
    page = Paginator(queue, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/moderation_queue.html",
        {"page": page, "consultations": consultations, "chosen": chosen},
    )


@moderators_only
def audit_log(request):
    consultations = list(selectors.moderated_consultations(viewer=request.user))
    form = AuditLogFilterForm(request.GET or None, consultations=consultations)
    filters = {}
    if form.is_valid():
        filters["consultation_id"] = form.cleaned_data.get("consultation")
        filters["action"] = form.cleaned_data.get("action") or ""
        email = form.cleaned_data.get("actor")
        if email:
            actor = get_user_model().objects.filter(email__iexact=email).first()
            filters["actor_id"] = actor.pk if actor else -1
    actions = selectors.audit_log(viewer=request.user, **filters)
    page = Paginator(actions, AUDIT_LOG_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
