"""Pages for positions: thin views over the selectors and services."""

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

from . import selectors, services
from .diff import word_diff
from .forms import (
    AmendmentAcceptForm,
    AmendmentForm,
    CompareForm,
    EditorForm,
    ParagraphCommentForm,
    PositionCreateForm,
    PositionDetailsForm,
    ReasonForm,
    ResolveForm,
    RestoreForm,
    RevisionForm,
    SignForm,
)
from .models import (
    ALLOWED_TRANSITIONS,
    ParagraphComment,
    Position,
    PositionEditor,
    PositionRevision,
    PositionStatus,
    Signature,
)
from .rules import is_position_editor
from .services import ReopenConfirmationNeeded, RevisionConflict


def _position(pk: int) -> Position:
    try:
        return selectors.position_get(pk)
    except Position.DoesNotExist:
        raise Http404 from None


def _frozen_message(position: Position) -> str | None:
    if not position.consultation.is_open:
        return consultation_closed_message(consultation=position.consultation)
    return None


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
            "positions": selectors.position_list(consultation),
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
    revision = selectors.revision_get(position)
    text = selectors.position_text(position, revision)
    signatures = selectors.signature_list(position)
    signable = (
        selectors.signable_organisations(request.user, position)
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


@login_required
def position_edit(request, pk):
    position = _position(pk)
    if not has_perm(request.user, "positions.change_position", position):
        if position.is_locked or _frozen_message(position):
            messages.error(request, _frozen_message(position) or _("This text is locked."))
            return redirect(position)
        raise PermissionDenied
    revision = selectors.revision_get(position)
    form = RevisionForm(
        _data(request),
        initial={"body": revision.body if revision else "", "base": position.current_number},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.position_revise(
                position=position,
                body=form.cleaned_data["body"],
                message=form.cleaned_data["message"],
                base_number=form.cleaned_data["base"],
                confirm_reopen=form.cleaned_data["confirm_reopen"],
                by=request.user,
            )
        except RevisionConflict as conflict:
            return _conflict(request, position, conflict, form.cleaned_data["message"])
        except ReopenConfirmationNeeded as error:
            form.add_error("confirm_reopen", error.message)
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your changes have been saved as a new revision."))
            return redirect(position)
    return render(
        request,
        "positions/position_edit.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revision": revision,
            "form": form,
        },
    )


def _conflict(request, position, conflict: RevisionConflict, message: str) -> HttpResponse:
    current = conflict.current
    current_body = current.body if current else ""
    base = PositionRevision.objects.filter(position=position, number=conflict.base_number).first()
    form = RevisionForm(
        initial={
            "body": conflict.mine,
            "base": current.number if current else 0,
            "message": message,
        }
    )
    return render(
        request,
        "positions/position_conflict.html",
        {
            "position": position,
            "consultation": position.consultation,
            "current": current,
            "mine": conflict.mine,
            "base_number": conflict.base_number,
            "their_changes": word_diff(base.body if base else "", current_body),
            "difference": word_diff(current_body, conflict.mine),
            "form": form,
        },
        status=409,
    )


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
    organisations = selectors.represented_editing_organisations(request.user, position)
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


# --- history ------------------------------------------------------------------


def position_history(request, pk):
    position = _position(pk)
    return render(
        request,
        "positions/position_history.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revisions": selectors.revision_history(position),
            "compare_form": CompareForm(
                initial={"old": max(position.current_number - 1, 1), "new": position.current_number}
            ),
        },
    )


def position_diff(request, pk):
    position = _position(pk)
    form = CompareForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose two revisions to compare."))
        return redirect("positions:position-history", position.pk)
    try:
        old, new, diff = selectors.revision_diff(
            position, form.cleaned_data["old"], form.cleaned_data["new"]
        )
    except PositionRevision.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "positions/position_diff.html",
        {
            "position": position,
            "consultation": position.consultation,
            "old": old,
            "new": new,
            "diff": diff,
        },
    )


def revision_detail(request, pk, number):
    position = _position(pk)
    revision = selectors.revision_get(position, number)
    if revision is None:
        raise Http404
    return render(
        request,
        "positions/revision_detail.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revision": revision,
            "restore_form": RestoreForm(initial={"base": position.current_number})
            if has_perm(request.user, "positions.change_position", position)
            and number != position.current_number
            else None,
        },
    )


@require_POST
@login_required
def revision_restore(request, pk, number):
    position = _position(pk)
    form = RestoreForm(request.POST)
    back = reverse("positions:revision-detail", args=[position.pk, number])
    if not form.is_valid():
        return redirect(back)
    try:
        services.position_restore(
            position=position,
            number=number,
            base_number=form.cleaned_data["base"],
            confirm_reopen=form.cleaned_data["confirm_reopen"],
            by=request.user,
        )
    except Refusal as error:
        return _refused(request, error, back)
    messages.success(request, _("The old revision has been restored as a new revision."))
    return redirect(position)


# --- paragraph comments and amendments ----------------------------------------


def _paragraph(position: Position, index: int):
    revision = selectors.revision_get(position)
    paragraphs = revision.paragraphs if revision else []
    if not 0 <= index < len(paragraphs):
        raise Http404
    return revision, paragraphs[index]


@login_required
def paragraph_comment(request, pk, index):
    position = _position(pk)
    revision, paragraph = _paragraph(position, index)
    form = ParagraphCommentForm(_data(request), initial={"base": position.current_number})
    return _form_view(
        request,
        form,
        action=lambda data: services.paragraph_comment_create(
            position=position,
            paragraph_index=index,
            base_number=data["base"],
            body=data["body"],
            by=request.user,
        ),
        success_message=_("Your comment has been posted."),
        template="positions/paragraph_comment.html",
        context={
            "position": position,
            "consultation": position.consultation,
            "paragraph": paragraph,
            "index": index,
            "allowed": has_perm(request.user, "positions.contribute_position", position),
        },
    )


@login_required
def amendment_create(request, pk, index):
    position = _position(pk)
    revision, paragraph = _paragraph(position, index)
    form = AmendmentForm(
        _data(request), initial={"base": position.current_number, "proposed_text": paragraph}
    )
    return _form_view(
        request,
        form,
        action=lambda data: services.amendment_propose(
            position=position,
            paragraph_index=index,
            base_number=data["base"],
            proposed_text=data["proposed_text"],
            justification=data["justification"],
            by=request.user,
        ),
        success_message=_("Your amendment has been proposed to the editors."),
        template="positions/amendment_form.html",
        context={
            "position": position,
            "consultation": position.consultation,
            "paragraph": paragraph,
            "index": index,
            "allowed": has_perm(request.user, "positions.contribute_position", position),
        },
    )


def _amendment(pk: int):
    from .models import Amendment

    try:
        amendment = selectors.amendment_get(pk)
    except Amendment.DoesNotExist:
        raise Http404 from None
    amendment.position = _position(amendment.position_id)
    return amendment


def amendment_detail(request, pk):
    amendment = _amendment(pk)
    position = amendment.position
    can_decide = amendment.is_open and has_perm(request.user, "positions.change_position", position)
    return render(
        request,
        "positions/amendment_detail.html",
        {
            "amendment": amendment,
            "position": position,
            "consultation": position.consultation,
            "diff": selectors.amendment_preview(amendment),
            "accept_form": AmendmentAcceptForm(
                prefix="accept", initial={"text": amendment.proposed_text}
            )
            if can_decide
            else None,
            "reject_form": ReasonForm(prefix="reject") if can_decide else None,
            "resolve_form": ResolveForm(prefix="resolve") if can_decide else None,
        },
    )


@require_POST
@login_required
def amendment_accept(request, pk):
    amendment = _amendment(pk)
    form = AmendmentAcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        messages.error(request, _("Check the text to incorporate."))
        return redirect(amendment)
    try:
        services.amendment_accept(
            amendment=amendment,
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
            confirm_reopen=form.cleaned_data["confirm_reopen"],
            by=request.user,
        )
    except Refusal as error:
        return _refused(request, error, amendment.get_absolute_url())
    messages.success(request, _("The amendment has been incorporated in a new revision."))
    return redirect(amendment.position)


@require_POST
@login_required
def amendment_reject(request, pk):
    amendment = _amendment(pk)
    form = ReasonForm(request.POST, prefix="reject")
    if not form.is_valid():
        messages.error(request, _("Say briefly why the amendment is not taken up."))
        return redirect(amendment)
    try:
        services.amendment_reject(
            amendment=amendment, reason=form.cleaned_data["reason"], by=request.user
        )
    except Refusal as error:
        return _refused(request, error, amendment.get_absolute_url())
    messages.success(request, _("The amendment has been declined and its author told."))
    return redirect(amendment.position)


@require_POST
@login_required
def amendment_resolve(request, pk):
    amendment = _amendment(pk)
    form = ResolveForm(request.POST, prefix="resolve")
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a short reason."))
        return redirect(amendment)
    try:
        services.amendment_resolve(amendment=amendment, by=request.user, **form.cleaned_data)
    except Refusal as error:
        return _refused(request, error, amendment.get_absolute_url())
    messages.success(request, _("The decision has been recorded."))
    return redirect(amendment)


@login_required
def paragraph_comment_resolve(request, pk):
    comment = get_object_or_404(ParagraphComment.objects.select_related("author"), pk=pk)
    position = _position(comment.position_id)
    comment.position = position
    if not has_perm(request.user, "positions.change_position", position):
        raise PermissionDenied
    form = ResolveForm(
        _data(request),
        initial={"decision": comment.decision, "reason": comment.decision_reason},
    )
    return _form_view(
        request,
        form,
        action=lambda data: services.paragraph_comment_resolve(
            comment=comment, by=request.user, **data
        ),
        success_message=_("The decision has been recorded."),
        success_url=reverse("positions:position-made", args=[position.pk]),
        template="positions/comment_resolve.html",
        context={"position": position, "consultation": position.consultation, "comment": comment},
    )


# --- signatures ---------------------------------------------------------------


@require_POST
@login_required
def signature_add(request, pk):
    position = _position(pk)
    form = SignForm(
        request.POST, organisations=[m.organisation for m in user_memberships(request.user)]
    )
    if not form.is_valid():
        messages.error(request, _("Choose the organisation you sign for."))
        return redirect(position)
    try:
        services.signature_add(
            position=position, organisation=form.cleaned_data["organisation"], by=request.user
        )
    except Refusal as error:
        return _refused(request, error, position.get_absolute_url())
    messages.success(request, _("Your organisation has signed this position."))
    return redirect(position.get_absolute_url() + "#signatories")


@require_POST
@login_required
def signature_withdraw(request, pk):
    signature = get_object_or_404(
        Signature.objects.select_related("organisation"), pk=pk, withdrawn_at__isnull=True
    )
    position = _position(signature.position_id)
    signature.position = position
    try:
        services.signature_withdraw(signature=signature, by=request.user)
    except Refusal as error:
        return _refused(request, error, position.get_absolute_url())
    messages.success(request, _("The signature has been withdrawn."))
    return redirect(position.get_absolute_url() + "#signatories")


# --- how this text was made and downloads -------------------------------------


def position_made(request, pk):
    position = _position(pk)
    revision = selectors.revision_get(position)
    return render(
        request,
        "positions/position_made.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revision": revision,
            "text": selectors.position_made(position, revision),
            "can_resolve": has_perm(request.user, "positions.change_position", position),
        },
    )


def position_download(request, pk, fmt):
    from .documents import position_docx, position_pdf

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
