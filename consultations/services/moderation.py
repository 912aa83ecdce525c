"""Moderation writes: hiding, restoring, flags, thread locks, suspensions."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activity.services import activity_record, moderation_action_record
from core.errors import Refusal

from ..models import (
    REASON_MAX_LENGTH,
    Comment,
    Consultation,
    Flag,
    Suspension,
)
from ..rules import forget_cached_suspensions, is_consultation_moderator
from ._common import (
    Action,
    Verb,
    _add,
    _clean_text,
    _may_moderate,
    _stats_locked,
)


def _resolve_flags(comment: Comment, by) -> int:
    resolved = Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    Comment.objects.of(comment).update(open_flag_count=0)
    comment.open_flag_count = 0
    return resolved


def _short_reason(reason: str | None) -> str:
    return (reason or "").strip()[:REASON_MAX_LENGTH]


def _comment_moderation_record(
    *, comment: Comment, by, action: str, verb: str, reason: str, data: dict | None = None
) -> None:
    """The audit-log row and the Activity row that every act on a comment writes."""
    moderation_action_record(
        actor=by,
        action=action,
        target=comment,
        reason=reason,
        label=_comment_label(comment),
        consultation=comment.consultation,
    )
    activity_record(
        verb=verb,
        target=comment,
        actor=by,
        consultation=comment.consultation,
        recommendation=comment.recommendation,
        data=data,
    )


def _comment_label(comment: Comment) -> str:
    return f"#{comment.pk} {comment.author or ''}: {comment.body[:200]}"


@transaction.atomic
def comment_hide(*, comment: Comment, reason: str, by: User) -> Comment:
    """Hide a comment with a reason; its author still sees it and why."""
    _may_moderate(by, comment.consultation)
    reason = _clean_text(
        reason, max_length=REASON_MAX_LENGTH, required_message=_("Give the reason for hiding it.")
    )
    if comment.is_hidden:
        raise Refusal(_("This comment is already hidden."), kind="conflict")
    was_counted = comment.is_counted
    comment.hidden_at = timezone.now()
    comment.hidden_reason = reason
    comment.hidden_by = by
    comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    _resolve_flags(comment, by)
    if was_counted:
        stats = _stats_locked(comment.consultation, comment.recommendation)
        _add(stats, comment_count=-1)
        _add(comment.consultation, comment_count=-1)
    _comment_moderation_record(
        comment=comment,
        by=by,
        action=Action.COMMENT_HIDDEN,
        verb=Verb.COMMENT_HIDDEN,
        reason=reason,
        data={"author_id": comment.author_id},
    )
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, reason: str = "", by: User) -> Comment:
    """Show a hidden comment again."""
    _may_moderate(by, comment.consultation)
    if not comment.is_hidden:
        raise Refusal(_("This comment is not hidden."), kind="conflict")
    comment.hidden_at = None
    comment.hidden_reason = ""
    comment.hidden_by = None
    comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    if comment.is_counted:
        stats = _stats_locked(comment.consultation, comment.recommendation)
        _add(stats, comment_count=1)
        _add(comment.consultation, comment_count=1)
    _comment_moderation_record(
        comment=comment,
        by=by,
        action=Action.COMMENT_RESTORED,
        verb=Verb.COMMENT_RESTORED,
        reason=_short_reason(reason),
    )
    return comment


@transaction.atomic
def comment_flags_dismiss(*, comment: Comment, reason: str = "", by: User) -> int:
    """Close a comment's open flags without hiding it."""
    _may_moderate(by, comment.consultation)
    resolved = _resolve_flags(comment, by)
    if not resolved:
        raise Refusal(_("This comment has no open flags."), kind="conflict")
    _comment_moderation_record(
        comment=comment,
        by=by,
        action=Action.FLAGS_DISMISSED,
        verb=Verb.FLAGS_DISMISSED,
        reason=_short_reason(reason),
        data={"flags_dismissed": resolved},
    )
    return resolved


@transaction.atomic
def thread_lock(*, comment: Comment, reason: str = "", by: User) -> Comment:
    """Lock a thread: no replies, edits or deletions within it."""
    _may_moderate(by, comment.consultation)
    root = comment.root if comment.root_id else comment
    if root.locked_at is not None:
        raise Refusal(_("This thread is already locked."), kind="conflict")
    root.locked_at = timezone.now()
    root.save(update_fields=["locked_at"])
    _comment_moderation_record(
        comment=root,
        by=by,
        action=Action.THREAD_LOCKED,
        verb=Verb.THREAD_LOCKED,
        reason=_short_reason(reason),
    )
    return root


@transaction.atomic
def thread_unlock(*, comment: Comment, reason: str = "", by: User) -> Comment:
    _may_moderate(by, comment.consultation)
    root = comment.root if comment.root_id else comment
    if root.locked_at is None:
        raise Refusal(_("This thread is not locked."), kind="conflict")
    root.locked_at = None
    root.save(update_fields=["locked_at"])
    _comment_moderation_record(
        comment=root,
        by=by,
        action=Action.THREAD_UNLOCKED,
        verb=Verb.THREAD_UNLOCKED,
        reason=_short_reason(reason),
    )
    return root


# --- suspensions -------------------------------------------------------------


@transaction.atomic
def user_suspend(*, consultation: Consultation, user: User, reason: str, by: User) -> Suspension:
    """Bar a person from writing in one consultation."""
    _may_moderate(by, consultation)
    reason = _clean_text(
        reason, max_length=REASON_MAX_LENGTH, required_message=_("Give the reason for suspending.")
    )
    if user.pk == by.pk:
        raise Refusal(_("You cannot suspend yourself."))
    if is_consultation_moderator(user, consultation):
        raise Refusal(_("A moderator cannot be suspended from a consultation."))
    try:
        with transaction.atomic():
            suspension = Suspension.objects.create(
                consultation=consultation, user=user, reason=reason, created_by=by
            )
    except IntegrityError:
        raise Refusal(_("This person is already suspended."), kind="conflict") from None
    forget_cached_suspensions(user)
    moderation_action_record(
        actor=by,
        action=Action.USER_SUSPENDED,
        target=user,
        reason=reason,
        label=f"{user} <{user.email}>",
        consultation=consultation,
    )
    activity_record(
        verb=Verb.USER_SUSPENDED,
        target=suspension,
        actor=by,
        consultation=consultation,
        data={"user_id": user.pk},
    )
    return suspension


@transaction.atomic
def suspension_lift(*, suspension: Suspension, reason: str = "", by: User) -> Suspension:
    _may_moderate(by, suspension.consultation)
    if suspension.lifted_at is not None:
        raise Refusal(_("This suspension has already been lifted."), kind="conflict")
    suspension.lifted_at = timezone.now()
    suspension.save(update_fields=["lifted_at"])
    forget_cached_suspensions(suspension.user)
    moderation_action_record(
        actor=by,
        action=Action.SUSPENSION_LIFTED,
        target=suspension.user,
        reason=(reason or "").strip()[:REASON_MAX_LENGTH],
        label=f"{suspension.user} <{suspension.user.email}>",
        consultation=suspension.consultation,
    )
    activity_record(
        verb=Verb.SUSPENSION_LIFTED,
        target=suspension,
        actor=by,
        consultation=suspension.consultation,
        data={"user_id": suspension.user_id},
    )
    return suspension
