"""Comments on a paragraph, amendments, the editors' decisions, and how the text was made."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refusal
from core.http import form_view as _form_view
from core.http import post_data as _data
from core.http import refuse as _refused
from core.permissions import has_perm

from .. import selectors, services
from ..forms import (
    AmendmentAcceptForm,
    AmendmentForm,
    ParagraphCommentForm,
    ReasonForm,
    ResolveForm,
)
from ..models import ParagraphComment, Position
from ._common import _position

# --- paragraph comments and amendments ----------------------------------------


def _paragraph(position: Position, index: int):
    revision = selectors.revision_get(position=position)
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
    from ..models import Amendment

    try:
        amendment = selectors.amendment_get(pk=pk)
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
            "diff": selectors.amendment_preview(amendment=amendment),
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


# --- how this text was made and downloads -------------------------------------


def position_made(request, pk):
    position = _position(pk)
    revision = selectors.revision_get(position=position)
    return render(
        request,
        "positions/position_made.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revision": revision,
            "text": selectors.position_made(position=position, revision=revision),
            "can_resolve": has_perm(request.user, "positions.change_position", position),
        },
    )
