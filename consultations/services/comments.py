"""Writes for comments: posting, editing, deleting, flagging."""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from activity.services import activity_record
from core.errors import Refusal
from core.permissions import require_perm
from recommendations.models import Recommendation

from ..models import (
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Comment,
    Consultation,
    Flag,
    FlagReason,
)
from ..rules import is_within_edit_window
from ..signals import comment_replied
from ._common import (
    Verb,
    _add,
    _bump_stats,
    _check_in_scope,
    _clean_text,
    _may_act,
    _record_participation,
    _stats_locked,
    consultation_check_participant,
)

# --- comments --------------------------------------------------------------------


def _check_rate_limit(user) -> None:
    """At most N comments per person per window, counted in the shared cache.

    Fixed windows keyed by user id (settings.CONSULTATIONS_COMMENT_RATE =
    (count, seconds)); None disables it, for the demo data loader.
    """
    rate = getattr(settings, "CONSULTATIONS_COMMENT_RATE", (5, 60))
    if not rate:
        return
    limit, seconds = rate
    key = f"consultations:comment-rate:{user.pk}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    if count > limit:
        raise Refusal(
            _("You are posting too quickly. Please wait a minute and try again."), kind="throttled"
        )


def _check_thread_open(comment: Comment) -> None:
    root = comment.root if comment.root_id else comment
    if root.locked_at is not None:
        raise Refusal(_("A moderator has locked this thread."), kind="conflict")


@transaction.atomic
def comment_create(
    *,
    consultation: Consultation,
    recommendation: Recommendation,
    body: str,
    parent: Comment | None = None,
    organisation: Organisation | None = None,
    by: User,
) -> Comment:
    """Post a comment or a reply, as oneself or on behalf of one's organisation."""
    consultation_check_participant(user=by, consultation=consultation)
    _check_in_scope(consultation, recommendation)
    if organisation is not None:
        if not organisation.is_verified:
            raise Refusal(
                _("This organisation has not been verified yet, so nobody can speak for it."),
                kind="conflict",
            )
        require_perm(
            by,
            "accounts.speak_for_organisation",
            organisation,
            message=_("You can only speak for an organisation you belong to."),
        )
    body = _clean_text(
        body, max_length=COMMENT_MAX_LENGTH, required_message=_("Write something first.")
    )
    root = None
    if parent is not None:
        if (
            parent.consultation_id != consultation.pk
            or parent.recommendation_id != recommendation.pk
        ):
            raise Refusal(_("You can only reply within the same discussion."))
        if parent.is_deleted or parent.is_hidden:
            raise Refusal(_("This comment can no longer be answered."), kind="conflict")
        _check_thread_open(parent)
        root = parent.root if parent.root_id else parent
    _check_rate_limit(by)
    comment = Comment.objects.create(
        consultation=consultation,
        recommendation=recommendation,
        root=root,
        parent=parent,
        author=by,
        organisation=organisation,
        body=body,
    )
    _record_participation(consultation, by, organisation)
    activity_record(
        verb=Verb.COMMENT_REPLIED if parent else Verb.COMMENT_POSTED,
        target=comment,
        actor=by,
        organisation=organisation,
        consultation=consultation,
        recommendation=recommendation,
        data={"parent_author_id": parent.author_id} if parent else {},
    )
    if parent is not None:
        # The digests' outbox row commits with the reply: a broker outage cannot lose it.
        comment_replied.send(sender=Comment, comment=comment)
    # The counters last: every comment in the consultation updates the same
    # consultation row, whose lock is held from here until the commit.
    if root is not None:
        _add(
            Comment(pk=root.pk, consultation=consultation, recommendation=recommendation),
            reply_count=1,
        )
    _bump_stats(consultation, recommendation, comment_count=1)
    _add(consultation, comment_count=1)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, body: str, by: User) -> Comment:
    """Change one's own comment within 15 minutes of posting; it shows as edited."""
    consultation_check_participant(user=by, consultation=comment.consultation)
    require_perm(
        by,
        "consultations.change_comment",
        comment,
        message=_("You can only edit your own comments."),
    )
    if comment.is_deleted or comment.is_hidden:
        raise Refusal(_("This comment can no longer be edited."), kind="conflict")
    if not is_within_edit_window(by, comment):
        raise Refusal(
            _("Comments can only be edited within 15 minutes of posting."), kind="conflict"
        )
    _check_thread_open(comment)
    comment.body = _clean_text(
        body, max_length=COMMENT_MAX_LENGTH, required_message=_("Write something first.")
    )
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    activity_record(
        verb=Verb.COMMENT_EDITED,
        target=comment,
        actor=by,
        organisation=comment.organisation,
        consultation=comment.consultation,
        recommendation=comment.recommendation,
    )
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> Comment:
    """Delete one's own comment; one with replies stays as a placeholder."""
    consultation_check_participant(user=by, consultation=comment.consultation)
    require_perm(
        by,
        "consultations.delete_comment",
        comment,
        message=_("You can only delete your own comments."),
    )
    if comment.is_deleted:
        raise Refusal(_("This comment has already been deleted."), kind="conflict")
    if comment.is_hidden:
        raise Refusal(
            _("A comment hidden by a moderator cannot be deleted; ask a moderator."),
            kind="conflict",
        )
    _check_thread_open(comment)
    was_counted = comment.is_counted
    comment.deleted_at = timezone.now()
    comment.body = ""
    comment.save(update_fields=["deleted_at", "body"])
    if was_counted:
        stats = _stats_locked(comment.consultation, comment.recommendation)
        _add(stats, comment_count=-1)
        _add(comment.consultation, comment_count=-1)
    if comment.root_id:
        _add(
            Comment(
                pk=comment.root_id,
                consultation_id=comment.consultation_id,
                recommendation=comment.recommendation,
            ),
            reply_count=-1,
        )
    activity_record(
        verb=Verb.COMMENT_DELETED,
        target=comment,
        actor=by,
        consultation=comment.consultation,
        recommendation=comment.recommendation,
    )
    return comment


@transaction.atomic
def comment_flag(*, comment: Comment, reason: str, details: str = "", by: User) -> Flag:
    """Report a comment to the moderators; once per person until it is dealt with."""
    _may_act(by, "consultations.flag_comment", comment)
    if reason not in FlagReason.values:
        raise Refusal(_("Choose a reason."))
    if len(details or "") > REASON_MAX_LENGTH:
        raise Refusal(
            _("Please keep it under %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}
        )
    if comment.is_deleted:
        raise Refusal(_("This comment has been deleted."), kind="conflict")
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                comment=comment, user=by, reason=reason, details=(details or "").strip()
            )
    except IntegrityError:
        raise Refusal(
            _("You have already flagged this comment; the moderators will look at it."),
            kind="conflict",
        ) from None
    _add(comment, open_flag_count=1)
    activity_record(
        verb=Verb.COMMENT_FLAGGED,
        target=comment,
        actor=by,
        consultation=comment.consultation,
        recommendation=comment.recommendation,
        data={"reason": reason},
    )
    return flag
