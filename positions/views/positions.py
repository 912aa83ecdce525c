"""The list of positions, starting one, its page, its details, status and editors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.rules import user_memberships
from consultations import selectors as consultation_selectors
from consultations.models import Consultation
from consultations.services import consultation_closed_message
from core.errors import Refusal
from core.http import form_view as _form_view
from core.http import post_data as _data
from core.http import refuse as _refused
from core.permissions import has_perm

from .. import selectors, services
from ..forms import EditorForm, PositionCreateForm, PositionDetailsForm, SignForm
from ..models import ALLOWED_TRANSITIONS, Position, PositionEditor, PositionStatus
from ..rules import is_position_editor
from ._common import _frozen_message, _position

# --- lists and creation ---------------------------------------------------------


def position_list(request, pk):
    try:
        consultation = consultation_selectors.consultation_get(pk=pk)
    except Consultation.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "positions/position_list.html",
        {
            "consultation": consultation,
            "positions": selectors.position_list(consultation=consultation),
            "can_create": consultation.is_open
            and any(
                has_perm(request.user, "accounts.act_for_organisation", m.organisation)
                for m in user_memberships(request.user)
            ),
            "closed_message": None
            if consultation.is_open
            else consultation_closed_message(consultation=consultation),
        },
    )


@login_required
def position_create(request, pk):
    try:
        consultation = consultation_selectors.consultation_get(pk=pk)
    except Consultation.DoesNotExist:
        raise Http404 from None
    organisations = [
        m.organisation
        for m in user_memberships(request.user)
        if has_perm(request.user, "accounts.act_for_organisation", m.organisation)
    ]
    list_url = reverse("positions:position-list", args=[consultation.pk])
    if not consultation.is_open:
        messages.error(request, consultation_closed_message(consultation=consultation))
        return redirect(list_url)
    if not organisations:
        messages.error(
            request,
            _("Only a representative of a verified organisation may start a position for it."),
        )
        return redirect(list_url)
    form = PositionCreateForm(
        _data(request),
        organisations=organisations,
        recommendations=consultation_selectors.consultation_recommendations(
            consultation=consultation
        ),
    )
    return _form_view(
        request,
        form,
        action=lambda data: services.position_create(
            consultation=consultation,
            title=data["title"],
            lead_organisation=data["lead_organisation"],
            body=data["body"],
            recommendations=data["recommendations"],
            co_editing_organisations=data["co_editing_organisations"],
            by=request.user,
        ),
        success_message=_("The position has been created."),
        template="positions/position_form.html",
        context={"consultation": consultation},
    )


@login_required
def position_update(request, pk):
    position = _position(pk)
    if not has_perm(request.user, "positions.manage_position", position):
        raise PermissionDenied
    form = PositionDetailsForm(
        _data(request),
        recommendations=consultation_selectors.consultation_recommendations(
            consultation=position.consultation
        ),
        initial={
            "title": position.title,
            "recommendations": list(position.recommendations.all()),
            "co_editing_organisations": list(position.co_editing_organisations.all()),
        },
    )
    return _form_view(
        request,
        form,
        action=lambda data: services.position_update(position=position, by=request.user, **data),
        success_message=_("The details have been saved."),
        success_url=position,
        template="positions/position_update.html",
        context={"position": position, "consultation": position.consultation},
    )


# --- the position page --------------------------------------------------------


def _viewer(request, position: Position) -> dict:
    user = request.user
    is_editor = is_position_editor(user, position)
    return {
        "is_editor": is_editor,
        "can_edit": has_perm(user, "positions.change_position", position),
        "can_manage": has_perm(user, "positions.manage_position", position),
        "can_contribute": has_perm(user, "positions.contribute_position", position),
        "next_statuses": [
            (status, PositionStatus(status).label)
            for status in sorted(ALLOWED_TRANSITIONS.get(position.status, ()))
        ]
        if has_perm(user, "positions.manage_position", position)
        else [],
    }


def position_detail(request, pk):
    position = _position(pk)
    revision = selectors.revision_get(position=position)
    text = selectors.position_text(position=position, revision=revision)
    signatures = selectors.signature_list(position=position)
    signable = (
        selectors.signable_organisations(user=request.user, position=position)
        if request.user.is_authenticated and position.consultation.is_open
        else []
    )
    mine = {
        s.organisation_id
        for s in signatures
        if has_perm(request.user, "accounts.act_for_organisation", s.organisation)
    }
    return render(
        request,
        "positions/position_detail.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revision": revision,
            "text": text,
            "signatures": signatures,
            "withdrawable": mine,
            "sign_form": SignForm(organisations=signable) if signable else None,
            "frozen_message": _frozen_message(position),
            **_viewer(request, position),
        },
    )


# --- status and editors -------------------------------------------------------


@require_POST
@login_required
def position_status(request, pk):
    position = _position(pk)
    try:
        services.position_status_change(
            position=position, status=request.POST.get("status", ""), by=request.user
        )
    except Refusal as error:
        return _refused(request, error, position.get_absolute_url())
    messages.success(request, _("The status of the position has changed."))
    return redirect(position)


@login_required
def position_editors(request, pk):
    position = _position(pk)
    organisations = selectors.represented_editing_organisations(
        user=request.user, position=position
    )
    editors = list(
        PositionEditor.objects.filter(position=position).select_related("user", "organisation")
    )
    form = EditorForm(_data(request), organisations=organisations) if organisations else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            membership = form.cleaned_data["membership"]
            try:
                services.position_editor_add(
                    position=position,
                    user=membership.user,
                    organisation=membership.organisation,
                    by=request.user,
                )
            except Refusal as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The editor has been added."))
                return redirect("positions:position-editors", position.pk)
    return render(
        request,
        "positions/position_editors.html",
        {
            "position": position,
            "consultation": position.consultation,
            "editors": editors,
            "form": form,
            "removable": {o.pk for o in organisations},
        },
    )


@require_POST
@login_required
def position_editor_remove(request, pk):
    editor = get_object_or_404(
        PositionEditor.objects.select_related("position__consultation", "organisation"), pk=pk
    )
    try:
        services.position_editor_remove(editor=editor, by=request.user)
    except Refusal as error:
        return _refused(
            request, error, reverse("positions:position-editors", args=[editor.position_id])
        )
    messages.success(request, _("The editor has been removed."))
    return redirect("positions:position-editors", editor.position_id)


# --- downloads ----------------------------------------------------------------


def position_download(request, pk, fmt):
    from ..documents import position_docx, position_pdf

    position = _position(pk)
    if not position.current_number:
        raise Http404
    viewer = request.user
    filename = slugify(position.title)[:60] or "position"
    if fmt == "pdf":
        content, content_type = position_pdf(position, viewer=viewer), "application/pdf"
    elif fmt == "docx":
        content = position_docx(position, viewer=viewer)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{filename}-r{position.current_number}.{fmt}"'
    )
    return response
