"""Writes for consultations: every action is one function here.

Web views, the API, admin actions, tasks and commands all call these, so each
rule holds in one place. Each function checks who may act, writes, keeps the
counters, and records an Activity (and, for moderation, the audit log).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Activity, ModerationAction
from activity.services import activity_record, moderation_action_record
from core.errors import Refusal
from core.permissions import has_perm, require_perm

from .models import (
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STANCE_COUNTER,
    STANCES_NEEDING_STATEMENT,
    STATEMENT_MAX_LENGTH,
    SYNTHESIS_MAX_LENGTH,
    Comment,
    Consultation,
    ConsultationScope,
    Endorsement,
    EndorsementChange,
    Flag,
    FlagReason,
    Follow,
    Forum,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
    Stance,
    Suspension,
    Synthesis,
    end_of_day_anywhere_on_earth,
)
from .rules import forget_cached_suspensions, is_consultation_moderator, is_within_edit_window
from .selectors import participated_consultation_ids
from .signals import comment_replied

Action = ModerationAction.Action
Verb = Activity.Verb


# --- checks shared by the services -----------------------------------------


# Each service asks the rules (consultations/rules.py) through require_perm, the
# broadest first, so a refusal names the first thing missing: a verified email,
# then the open window (a "closed" refusal that says so), then the role.


def _may_act(user, perm: str = "accounts.act", obj=None) -> None:
    """Rules that ask only for a verified email refuse with the same sentence."""
    require_perm(
        user, perm, obj, message=_("Confirm your email address and sign in before taking part.")
    )


def _may_moderate(user, consultation: Consultation) -> None:
    _may_act(user)
    require_perm(
        user,
        "consultations.moderate_consultation",
        consultation,
        message=_("Only the moderators of this consultation may do this."),
    )


def _may_run_consultations(user, perm: str) -> None:
    _may_act(user)
    require_perm(user, perm, message=_("Only moderators may run Forum meetings and consultations."))


def consultation_closed_message(consultation: Consultation) -> str:
    """Why nothing can be written now, as a sentence for the page."""
    if consultation.status == "upcoming":
        return _("This consultation has not opened yet; contributions are accepted once it opens.")
    return _("This consultation is closed; its contributions remain readable.")


def consultation_check_open(consultation: Consultation) -> None:
    """Refuse, as "closed" and saying why, outside the consultation's window."""
    if not consultation.is_open:
        raise Refusal(consultation_closed_message(consultation), kind="closed")


def consultation_check_participant(user, consultation: Consultation) -> None:
    """A verified person, the window open, and not suspended from the consultation."""
    _may_act(user)
    consultation_check_open(consultation)
    require_perm(
        user,
        "consultations.participate_consultation",
        consultation,
        message=_("You have been suspended from this consultation and cannot contribute to it."),
    )


def recommendation_in_scope(*, consultation: Consultation, recommendation) -> bool:
    if consultation.scope == ConsultationScope.ALL:
        return True
    if consultation.scope == ConsultationScope.SESSIONS:
        return consultation.sessions.filter(pk=recommendation.session_id).exists()
    return consultation.recommendations.filter(pk=recommendation.pk).exists()


def _check_in_scope(consultation: Consultation, recommendation) -> None:
    if not recommendation_in_scope(consultation=consultation, recommendation=recommendation):
        raise Refusal(_("This recommendation is not part of this consultation."))


def _clean_text(text: str, *, max_length: int, required_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refusal(required_message)
    if len(text) > max_length:
        raise Refusal(_("Please keep it under %(limit)d characters.") % {"limit": max_length})
    return text


def _stats_locked(consultation: Consultation, recommendation) -> RecommendationStats:
    """The counters row, created if missing and locked until the transaction ends.

    Locking it first serialises every write to one recommendation's counters
    within a consultation, so concurrent endorsements cannot lose an update.
    """
    locked = RecommendationStats.objects.select_for_update().filter(
        consultation=consultation, recommendation=recommendation
    )
    stats = locked.first()
    if stats is None:  # the first write to this recommendation in the consultation
        RecommendationStats.objects.get_or_create(
            consultation=consultation, recommendation=recommendation
        )
        stats = locked.get()
    # The rows it belongs to, known already: whoever reads them from it needs no query.
    stats.consultation, stats.recommendation = consultation, recommendation
    return stats


def _add(row, **deltas: int) -> None:
    """Add to a row's counters in one UPDATE, naming the row so the cache needs no read."""
    type(row).objects.of(row).update(**{name: F(name) + delta for name, delta in deltas.items()})


def _bump_stats(consultation: Consultation, recommendation, **deltas: int) -> None:
    """Add to the counters row in one UPDATE, creating the row on the first write.

    For plain increments: the UPDATE locks the row until the transaction ends
    and adds to the value it finds, so concurrent writers lose nothing and need
    no SELECT ... FOR UPDATE first (that stays for changes that read a stance).
    """
    rows = RecommendationStats.objects.filter(
        consultation=consultation, recommendation=recommendation
    ).written_as(RecommendationStats(consultation=consultation, recommendation=recommendation))
    changes = {name: F(name) + delta for name, delta in deltas.items()}
    if not rows.update(**changes):  # the first write to this recommendation
        RecommendationStats.objects.get_or_create(
            consultation=consultation, recommendation=recommendation
        )
        rows.update(**changes)


def _record_participation(consultation: Consultation, user, organisation=None) -> None:
    # Written once per person and consultation: the person is read with the
    # consultations they have written in, so later writes skip the INSERT.
    participated = participated_consultation_ids(user)
    if consultation.pk not in participated:
        PersonParticipation.objects.bulk_create(
            [PersonParticipation(consultation=consultation, user=user)], ignore_conflicts=True
        )
        participated.add(consultation.pk)
    if organisation is not None:
        OrganisationParticipation.objects.bulk_create(
            [OrganisationParticipation(consultation=consultation, organisation=organisation)],
            ignore_conflicts=True,
        )


# --- Forum meetings and consultations ----------------------------------------


@transaction.atomic
def forum_create(*, name: str, city: str, country: str, starts_on, ends_on, by) -> Forum:
    _may_run_consultations(by, "consultations.manage_forum")
    if ends_on < starts_on:
        raise Refusal(_("A Forum meeting cannot end before it starts."))
    forum = Forum.objects.create(
        name=name, city=city, country=country, starts_on=starts_on, ends_on=ends_on
    )
    moderation_action_record(actor=by, action=Action.FORUM_CREATED, target=forum)
    activity_record(verb=Verb.FORUM_CREATED, target=forum, actor=by)
    return forum


@transaction.atomic
def forum_update(*, forum: Forum, name: str, city: str, country: str, starts_on, ends_on, by):
    _may_run_consultations(by, "consultations.manage_forum")
    if ends_on < starts_on:
        raise Refusal(_("A Forum meeting cannot end before it starts."))
    forum.name, forum.city, forum.country = name, city, country
    forum.starts_on, forum.ends_on = starts_on, ends_on
    forum.save()
    moderation_action_record(actor=by, action=Action.FORUM_CHANGED, target=forum)
    activity_record(verb=Verb.FORUM_CHANGED, target=forum, actor=by)
    return forum


def _closing_time(closes_at: datetime | None, closes_on, anywhere_on_earth: bool) -> datetime:
    if anywhere_on_earth:
        if closes_on is None:
            raise Refusal(_("Choose the closing date."))
        return end_of_day_anywhere_on_earth(closes_on)
    if closes_at is None:
        raise Refusal(_("Choose the closing time."))
    return closes_at


def _set_scope(consultation: Consultation, scope: str, sessions, recommendations) -> None:
    consultation.sessions.set(sessions if scope == ConsultationScope.SESSIONS else [])
    consultation.recommendations.set(
        recommendations if scope == ConsultationScope.RECOMMENDATIONS else []
    )
    if scope == ConsultationScope.SESSIONS and not consultation.sessions.exists():
        raise Refusal(_("Choose at least one session."))
    if scope == ConsultationScope.RECOMMENDATIONS and not consultation.recommendations.exists():
        raise Refusal(_("Choose at least one recommendation."))


@transaction.atomic
def consultation_create(
    *,
    forum: Forum,
    title: str,
    description: str = "",
    opens_at: datetime,
    closes_at: datetime | None = None,
    closes_on=None,
    closes_anywhere_on_earth: bool = False,
    scope: str = ConsultationScope.ALL,
    sessions=(),
    recommendations=(),
    moderators=(),
    by,
) -> Consultation:
    """Open a consultation on a Forum meeting; portal moderators only."""
    _may_run_consultations(by, "consultations.add_consultation")
    closing = _closing_time(closes_at, closes_on, closes_anywhere_on_earth)
    if closing <= opens_at:
        raise Refusal(_("A consultation must close after it opens."))
    consultation = Consultation.objects.create(
        forum=forum,
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=closing,
        closes_anywhere_on_earth=closes_anywhere_on_earth,
        scope=scope,
        created_by=by,
    )
    _set_scope(consultation, scope, sessions, recommendations)
    consultation.moderators.set(moderators)
    moderation_action_record(
        actor=by,
        action=Action.CONSULTATION_CREATED,
        target=consultation,
        consultation=consultation,
    )
    activity_record(
        verb=Verb.CONSULTATION_CREATED,
        target=consultation,
        actor=by,
        consultation=consultation,
    )
    return consultation


@transaction.atomic
def consultation_update(
    *,
    consultation: Consultation,
    forum: Forum,
    title: str,
    description: str = "",
    opens_at: datetime,
    closes_at: datetime | None = None,
    closes_on=None,
    closes_anywhere_on_earth: bool = False,
    scope: str = ConsultationScope.ALL,
    sessions=(),
    recommendations=(),
    moderators=(),
    by,
) -> Consultation:
    """Change a consultation; its moderators and portal moderators."""
    _may_moderate(by, consultation)
    closing = _closing_time(closes_at, closes_on, closes_anywhere_on_earth)
    if closing <= opens_at:
        raise Refusal(_("A consultation must close after it opens."))
    consultation.forum = forum
    consultation.title = title
    consultation.description = description
    consultation.opens_at = opens_at
    consultation.closes_at = closing
    consultation.closes_anywhere_on_earth = closes_anywhere_on_earth
    consultation.scope = scope
    consultation.save()
    _set_scope(consultation, scope, sessions, recommendations)
    # Only portal moderators choose who moderates, so a consultation moderator
    # cannot remove the others.
    if has_perm(by, "consultations.assign_moderator"):
        consultation.moderators.set(moderators)
        consultation._moderator_ids = None
    moderation_action_record(
        actor=by,
        action=Action.CONSULTATION_CHANGED,
        target=consultation,
        consultation=consultation,
    )
    activity_record(
        verb=Verb.CONSULTATION_CHANGED, target=consultation, actor=by, consultation=consultation
    )
    return consultation


@transaction.atomic
def consultation_extend(
    *,
    consultation: Consultation,
    closes_at: datetime | None = None,
    closes_on=None,
    closes_anywhere_on_earth: bool = False,
    reason: str = "",
    by,
) -> Consultation:
    """Move the closing time later; a closed consultation may be reopened this way."""
    _may_moderate(by, consultation)
    closing = _closing_time(closes_at, closes_on, closes_anywhere_on_earth)
    if closing <= consultation.closes_at or closing <= timezone.now():
        raise Refusal(
            _("The new closing time must be later than the current one and in the future.")
        )
    previous = consultation.closes_at
    consultation.closes_at = closing
    consultation.closes_anywhere_on_earth = closes_anywhere_on_earth
    consultation.closed_early_at = None
    consultation.save(update_fields=["closes_at", "closes_anywhere_on_earth", "closed_early_at"])
    moderation_action_record(
        actor=by,
        action=Action.CONSULTATION_EXTENDED,
        target=consultation,
        consultation=consultation,
        reason=reason,
    )
    activity_record(
        verb=Verb.CONSULTATION_EXTENDED,
        target=consultation,
        actor=by,
        consultation=consultation,
        data={"previous_closes_at": previous.isoformat(), "closes_at": closing.isoformat()},
    )
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, reason: str = "", by) -> Consultation:
    """Close a consultation now, before its planned end."""
    _may_moderate(by, consultation)
    if consultation.status == "closed":
        raise Refusal(_("This consultation is already closed."), kind="closed")
    now = timezone.now()
    consultation.closed_early_at = now
    consultation.closes_at = now
    consultation.opens_at = min(consultation.opens_at, now - timedelta(seconds=1))
    consultation.save(update_fields=["closed_early_at", "closes_at", "opens_at"])
    moderation_action_record(
        actor=by,
        action=Action.CONSULTATION_CLOSED,
        target=consultation,
        consultation=consultation,
        reason=reason,
    )
    activity_record(
        verb=Verb.CONSULTATION_CLOSED, target=consultation, actor=by, consultation=consultation
    )
    return consultation


CLOSING_SOON = timedelta(hours=48)


@transaction.atomic
def consultation_window_events_record(*, now: datetime | None = None) -> int:
    """Record, once each, that a consultation opened, closes within 48 hours, or closed.

    Run periodically (consultations.tasks.consultation_window_events); safe to
    run again at any time, since each event is written only if missing.
    Returns how many Activity rows were written.
    """
    now = now or timezone.now()
    consultation_type = ContentType.objects.get_for_model(Consultation)
    recorded = set(
        Activity.objects.filter(
            target_type=consultation_type,
            verb__in=[
                Verb.CONSULTATION_OPENED,
                Verb.CONSULTATION_CLOSING_SOON,
                Verb.CONSULTATION_CLOSED,
            ],
        ).values_list("target_id", "verb")
    )
    written = 0
    candidates = Consultation.objects.filter(
        opens_at__lte=now, closes_at__gte=now - timedelta(days=7)
    )
    for consultation in candidates:
        due = [Verb.CONSULTATION_OPENED]
        if consultation.closes_at - now <= CLOSING_SOON:
            due.append(Verb.CONSULTATION_CLOSING_SOON)
        if consultation.closes_at < now:
            due.append(Verb.CONSULTATION_CLOSED)
        for verb in due:
            if (consultation.pk, verb) in recorded:
                continue
            activity_record(
                verb=verb,
                target=consultation,
                consultation=consultation,
                data={"closes_at": consultation.closes_at.isoformat()},
            )
            written += 1
    return written


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
    recommendation,
    body: str,
    parent: Comment | None = None,
    organisation=None,
    by,
) -> Comment:
    """Post a comment or a reply, as oneself or on behalf of one's organisation."""
    consultation_check_participant(by, consultation)
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
def comment_edit(*, comment: Comment, body: str, by) -> Comment:
    """Change one's own comment within 15 minutes of posting; it shows as edited."""
    consultation_check_participant(by, comment.consultation)
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
def comment_delete(*, comment: Comment, by) -> Comment:
    """Delete one's own comment; one with replies stays as a placeholder."""
    consultation_check_participant(by, comment.consultation)
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
def comment_flag(*, comment: Comment, reason: str, details: str = "", by) -> Flag:
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
def comment_hide(*, comment: Comment, reason: str, by) -> Comment:
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
def comment_restore(*, comment: Comment, reason: str = "", by) -> Comment:
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
def comment_flags_dismiss(*, comment: Comment, reason: str = "", by) -> int:
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
def thread_lock(*, comment: Comment, reason: str = "", by) -> Comment:
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
def thread_unlock(*, comment: Comment, reason: str = "", by) -> Comment:
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
def user_suspend(*, consultation: Consultation, user, reason: str, by) -> Suspension:
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
def suspension_lift(*, suspension: Suspension, reason: str = "", by) -> Suspension:
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


# --- endorsements ------------------------------------------------------------


def _may_act_for(by, organisation) -> None:
    if not organisation.is_verified:
        raise Refusal(
            _("This organisation has not been verified yet, so it cannot take a stance."),
            kind="conflict",
        )
    require_perm(
        by,
        "accounts.speak_for_organisation",
        organisation,
        message=_("You can only act for an organisation you represent."),
    )
    require_perm(
        by,
        "accounts.act_for_organisation",
        organisation,
        message=_("Only a representative of the organisation may take a stance on its behalf."),
    )


@transaction.atomic
def endorsement_set(
    *,
    consultation: Consultation,
    recommendation,
    organisation,
    stance: str,
    statement: str = "",
    cosign: Endorsement | None = None,
    by,
) -> Endorsement:
    """Take or change an organisation's stance; one per organisation, recommendation, consultation.

    With ``cosign``, the organisation co-signs another organisation's statement
    of reservations or opposition: it takes that stance and that text.
    """
    consultation_check_participant(by, consultation)
    _check_in_scope(consultation, recommendation)
    _may_act_for(by, organisation)
    if cosign is not None:
        if (
            cosign.consultation_id != consultation.pk
            or cosign.recommendation_id != recommendation.pk
            or not cosign.is_active
            or cosign.stance not in STANCES_NEEDING_STATEMENT
        ):
            raise Refusal(_("This statement cannot be co-signed."))
        if cosign.cosigned_id:
            cosign = cosign.cosigned
        if cosign.organisation_id == organisation.pk:
            raise Refusal(_("An organisation cannot co-sign its own statement."))
        stance, statement = cosign.stance, cosign.statement
    if stance not in Stance.values:
        raise Refusal(_("Choose a stance."))
    statement = (statement or "").strip()
    if stance in STANCES_NEEDING_STATEMENT and not statement:
        raise Refusal(
            _("Give your reasons: a statement is required for reservations or opposition.")
        )
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise Refusal(
            _("Please keep it under %(limit)d characters.") % {"limit": STATEMENT_MAX_LENGTH}
        )

    # The organisation's row is locked, or created under the unique constraint,
    # before its previous stance is read: two writers for one organisation
    # take turns, and the counters move by what each one changed. Other
    # organisations' stances on the same recommendation do not wait.
    endorsement = (
        Endorsement.objects.select_for_update()
        .filter(consultation=consultation, recommendation=recommendation, organisation=organisation)
        .first()
    )
    now = timezone.now()
    previous_stance = None
    if endorsement is None:
        try:
            with transaction.atomic():
                endorsement = Endorsement.objects.create(
                    consultation=consultation,
                    recommendation=recommendation,
                    organisation=organisation,
                    stance=stance,
                    statement=statement,
                    cosigned=cosign,
                    created_by=by,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            endorsement = Endorsement.objects.select_for_update().get(
                consultation=consultation,
                recommendation=recommendation,
                organisation=organisation,
            )
        else:
            previous_stance = ""
    if previous_stance is None:
        if (
            endorsement.is_active
            and endorsement.stance == stance
            and endorsement.statement == statement
            and endorsement.cosigned_id == (cosign.pk if cosign else None)
        ):
            return endorsement  # Nothing changes: no history, no activity.
        previous_stance = endorsement.stance if endorsement.is_active else ""
        endorsement.stance = stance
        endorsement.statement = statement
        endorsement.cosigned = cosign
        endorsement.withdrawn_at = None
        endorsement.updated_at = now
        endorsement.save(
            update_fields=["stance", "statement", "cosigned", "withdrawn_at", "updated_at"]
        )

    deltas = {}
    if previous_stance:
        deltas[STANCE_COUNTER[previous_stance]] = -1
    deltas[STANCE_COUNTER[stance]] = deltas.get(STANCE_COUNTER[stance], 0) + 1
    deltas = {name: delta for name, delta in deltas.items() if delta}
    EndorsementChange.objects.create(
        endorsement=endorsement, stance=stance, statement=statement, cosigned=cosign, by=by
    )
    _record_participation(consultation, by, organisation)
    activity_record(
        verb=Verb.ENDORSEMENT_CHANGED if previous_stance else Verb.ENDORSEMENT_SET,
        target=endorsement,
        actor=by,
        organisation=organisation,
        consultation=consultation,
        recommendation=recommendation,
        data={"stance": stance, "previous_stance": previous_stance},
    )
    # The shared counters last, so their row locks are held only until the commit.
    if deltas:
        _bump_stats(consultation, recommendation, **deltas)
    if not previous_stance:
        _add(consultation, endorsement_count=1)
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, by) -> Endorsement:
    """Withdraw an organisation's stance; the history keeps it."""
    consultation = endorsement.consultation
    consultation_check_participant(by, consultation)
    _may_act_for(by, endorsement.organisation)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if not endorsement.is_active:
        raise Refusal(_("This stance has already been withdrawn."), kind="conflict")
    endorsement.withdrawn_at = timezone.now()
    endorsement.updated_at = endorsement.withdrawn_at
    endorsement.save(update_fields=["withdrawn_at", "updated_at"])
    EndorsementChange.objects.create(endorsement=endorsement, withdrawn=True, by=by)
    activity_record(
        verb=Verb.ENDORSEMENT_WITHDRAWN,
        target=endorsement,
        actor=by,
        organisation=endorsement.organisation,
        consultation=consultation,
        recommendation=endorsement.recommendation,
        data={"previous_stance": endorsement.stance},
    )
    _bump_stats(
        consultation, endorsement.recommendation, **{STANCE_COUNTER[endorsement.stance]: -1}
    )
    _add(consultation, endorsement_count=-1)
    return endorsement


# --- follows -------------------------------------------------------------------


@transaction.atomic
def follow_set(*, consultation: Consultation | None = None, recommendation=None, by) -> Follow:
    """Follow a consultation or a recommendation; following twice changes nothing."""
    _may_act(by, "consultations.follow_consultation")
    if (consultation is None) == (recommendation is None):
        raise Refusal(_("Choose what to follow."))
    follow, created = Follow.objects.get_or_create(
        user=by, consultation=consultation, recommendation=recommendation
    )
    if created:
        target = consultation or recommendation
        activity_record(
            verb=Verb.FOLLOWED,
            target=target,
            actor=by,
            consultation=consultation,
            recommendation=recommendation,
        )
    return follow


@transaction.atomic
def follow_remove(*, consultation: Consultation | None = None, recommendation=None, by) -> bool:
    _may_act(by, "consultations.follow_consultation")
    if (consultation is None) == (recommendation is None):
        raise Refusal(_("Choose what to stop following."))
    deleted, _rows = Follow.objects.filter(
        user=by, consultation=consultation, recommendation=recommendation
    ).delete()
    if deleted:
        activity_record(
            verb=Verb.UNFOLLOWED,
            target=consultation or recommendation,
            actor=by,
            consultation=consultation,
            recommendation=recommendation,
        )
    return bool(deleted)


# --- synthesis -------------------------------------------------------------------


@transaction.atomic
def synthesis_write(*, consultation: Consultation, recommendation, body: str, by) -> Synthesis:
    """Write or rewrite the moderators' synthesis of one recommendation's debate."""
    _may_moderate(by, consultation)
    _check_in_scope(consultation, recommendation)
    body = _clean_text(
        body, max_length=SYNTHESIS_MAX_LENGTH, required_message=_("Write the synthesis first.")
    )
    synthesis, _created = Synthesis.objects.update_or_create(
        consultation=consultation,
        recommendation=recommendation,
        defaults={"body": body, "updated_by": by, "updated_at": timezone.now()},
    )
    moderation_action_record(
        actor=by,
        action=Action.SYNTHESIS_WRITTEN,
        target=synthesis,
        label=f"{consultation} · {recommendation.citation}",
        consultation=consultation,
    )
    activity_record(
        verb=Verb.SYNTHESIS_WRITTEN,
        target=synthesis,
        actor=by,
        consultation=consultation,
        recommendation=recommendation,
    )
    return synthesis
