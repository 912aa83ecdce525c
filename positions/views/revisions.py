"""Editing the text, a conflict between two editors, the history and restoring a revision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refusal
from core.http import post_data as _data
from core.http import refuse as _refused
from core.permissions import has_perm

from .. import selectors, services
from ..diff import word_diff
from ..forms import CompareForm, RestoreForm, RevisionForm
from ..models import PositionRevision
from ..services import ReopenConfirmationNeeded, RevisionConflict
from ._common import _frozen_message, _position

# --- editing the text -----------------------------------------------------------


@login_required
def position_edit(request, pk):
    position = _position(pk)
    if not has_perm(request.user, "positions.change_position", position):
        if position.is_locked or _frozen_message(position):
            messages.error(request, _frozen_message(position) or _("This text is locked."))
            return redirect(position)
        raise PermissionDenied
    revision = selectors.revision_get(position=position)
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


# --- history ------------------------------------------------------------------


def position_history(request, pk):
    position = _position(pk)
    return render(
        request,
        "positions/position_history.html",
        {
            "position": position,
            "consultation": position.consultation,
            "revisions": selectors.revision_history(position=position),
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
            position=position, old=form.cleaned_data["old"], new=form.cleaned_data["new"]
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
    revision = selectors.revision_get(position=position, number=number)
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
