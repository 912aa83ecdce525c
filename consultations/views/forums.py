"""Pages for Forum meetings and their consultations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refusal
from core.http import post_data as _data
from core.permissions import has_perm

from .. import selectors, services
from ..forms import (
    CloseForm,
    ConsultationForm,
    ExtendForm,
    ForumForm,
)
from ..models import Forum
from ..services import consultation_closed_message
from ._common import (
    _consultation,
    _follow,
    _moderator_guard,
    portal_moderators_only,
)

# --- Forum meetings and consultations -------------------------------------------


def consultation_list(request):
    consultations = list(selectors.consultation_list())
    groups = {"open": [], "upcoming": [], "closed": []}
    for consultation in consultations:
        groups[consultation.status].append(consultation)
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "open_consultations": groups["open"],
            "upcoming_consultations": groups["upcoming"],
            "closed_consultations": groups["closed"],
            "can_create": has_perm(request.user, "consultations.add_consultation"),
        },
    )


def consultation_detail(request, pk):
    consultation = _consultation(pk, cached=True)
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "figures": selectors.consultation_figures(consultation=consultation),
            "recommendations": selectors.consultation_recommendation_rows(
                consultation=consultation
            ),
            "viewer": selectors.viewer_state(
                viewer=request.user, consultation=consultation, cached=True
            ),
            "closed_message": None
            if consultation.is_open
            else consultation_closed_message(consultation=consultation),
        },
    )


@portal_moderators_only
def forum_create(request):
    return _forum_form(request, None)


@portal_moderators_only
def forum_update(request, pk):
    return _forum_form(request, get_object_or_404(Forum, pk=pk))


def _forum_form(request, forum: Forum | None):
    form = ForumForm(_data(request), instance=forum)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ForumForm.Meta.fields}
        try:
            if forum is None:
                services.forum_create(**data, by=request.user)
            else:
                services.forum_update(forum=forum, **data, by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The Forum meeting has been saved."))
            return redirect("consultations:consultation-list")
    return render(request, "consultations/forum_form.html", {"form": form, "forum": forum})


@portal_moderators_only
def consultation_create(request):
    form = ConsultationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(**_consultation_data(form), by=request.user)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been created."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "has_forums": Forum.objects.exists()},
    )


def consultation_update(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    can_choose = has_perm(request.user, "consultations.assign_moderator")
    form = ConsultationForm(
        _data(request),
        initial=ConsultationForm.initial_for(consultation),
        can_choose_moderators=can_choose,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                consultation=consultation, **_consultation_data(form), by=request.user
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been saved."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "consultation": consultation, "has_forums": True},
    )


def _consultation_data(form: ConsultationForm) -> dict:
    data = form.cleaned_data
    return {
        "forum": data["forum"],
        "title": data["title"],
        "description": data.get("description", ""),
        "opens_at": data["opens_at"],
        "closes_at": data.get("closes_at"),
        "closes_on": data.get("closes_on"),
        "closes_anywhere_on_earth": data.get("closes_anywhere_on_earth", False),
        "scope": data["scope"],
        "sessions": data.get("sessions") or [],
        "recommendations": data.get("recommendations") or [],
        "moderators": data.get("moderator_emails") or [],
    }


def consultation_extend(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    form = ExtendForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_extend(
                consultation=consultation,
                closes_at=form.cleaned_data.get("closes_at"),
                closes_on=form.cleaned_data.get("closes_on"),
                closes_anywhere_on_earth=form.cleaned_data.get("closes_anywhere_on_earth", False),
                reason=form.cleaned_data.get("reason", ""),
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been extended."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_extend.html",
        {"form": form, "consultation": consultation},
    )


def consultation_close(request, pk):
    consultation = _consultation(pk)
    denied = _moderator_guard(request, consultation)
    if denied:
        return denied
    form = CloseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_close(
                consultation=consultation, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation has been closed."))
            return redirect(consultation)
    return render(
        request,
        "consultations/consultation_close.html",
        {"form": form, "consultation": consultation},
    )


@require_POST
@login_required
def consultation_follow(request, pk):
    consultation = _consultation(pk)
    return _follow(request, consultation.get_absolute_url(), consultation=consultation)
