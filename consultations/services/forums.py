"""Writes for Forum meetings and their consultations: creation, windows, closing."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activity.models import Activity
from activity.services import activity_record, moderation_action_record
from core.errors import Refusal
from core.permissions import has_perm
from recommendations.models import Recommendation, Session

from ..models import (
    Consultation,
    ConsultationScope,
    Forum,
    end_of_day_anywhere_on_earth,
)
from ._common import (
    Action,
    Verb,
    _may_moderate,
    _may_run_consultations,
)

# --- Forum meetings and consultations ----------------------------------------


@transaction.atomic
def forum_create(
    *, name: str, city: str, country: str, starts_on: date, ends_on: date, by: User
) -> Forum:
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
def forum_update(
    *,
    forum: Forum,
    name: str,
    city: str,
    country: str,
    starts_on: date,
    ends_on: date,
    by: User,
) -> Forum:
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
    closes_on: date | None = None,
    closes_anywhere_on_earth: bool = False,
    scope: str = ConsultationScope.ALL,
    sessions: Iterable[Session] = (),
    recommendations: Iterable[Recommendation] = (),
    moderators: Iterable[User] = (),
    by: User,
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
    closes_on: date | None = None,
    closes_anywhere_on_earth: bool = False,
    scope: str = ConsultationScope.ALL,
    sessions: Iterable[Session] = (),
    recommendations: Iterable[Recommendation] = (),
    moderators: Iterable[User] = (),
    by: User,
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
    closes_on: date | None = None,
    closes_anywhere_on_earth: bool = False,
    reason: str = "",
    by: User,
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
def consultation_close(*, consultation: Consultation, reason: str = "", by: User) -> Consultation:
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
