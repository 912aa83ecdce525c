"""Reads for digests: who is due, what a person's period is, recent runs."""

from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from accounts.models import User

from .content import LOOKBACK, PERIOD, Period, period_key, user_zone
from .models import DigestDelivery, DigestRun, NotificationPreference

# Digests arrive in the hour that starts at this local time.
DIGEST_LOCAL_HOUR = 6


def digest_recipients(*, frequency: str) -> QuerySet:
    """Active people with a verified address who chose ``frequency``."""
    User = get_user_model()
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return User.objects.filter(
        Exists(verified),
        is_active=True,
        is_former_participant=False,
        digest_frequency=frequency,
    )


def digest_due_user_ids(*, frequency: str, now: datetime) -> list[int]:
    """People whose local time is 06:00 at ``now`` (weekly: on their chosen weekday)."""
    recipients = digest_recipients(frequency=frequency)
    zones = set(recipients.values_list("time_zone", flat=True).distinct())
    due = Q(pk__in=[])
    for zone_name in zones:
        local = now.astimezone(user_zone(zone_name))
        if local.hour != DIGEST_LOCAL_HOUR:
            continue
        if frequency == "weekly":
            due |= Q(time_zone=zone_name, digest_weekday=local.weekday())
        else:
            due |= Q(time_zone=zone_name)
    return list(recipients.filter(due).order_by("pk").values_list("pk", flat=True))


def digest_periods(*, users: list[User], frequency: str, end: datetime) -> tuple[dict, set]:
    """Each person's period ending at ``end``, and the people already sent it.

    A period starts where the last digest sent ended (so a failed one is
    caught up by the next), at most LOOKBACK ago.
    """
    user_ids = [user.pk for user in users]
    keys = {
        user.pk: period_key(frequency=frequency, moment=end, zone=user_zone(user.time_zone))
        for user in users
    }
    already_sent = set(
        DigestDelivery.objects.filter(
            user_id__in=user_ids,
            frequency=frequency,
            period_key__in=set(keys.values()),
            status=DigestDelivery.Status.SENT,
        ).values_list("user_id", "period_key")
    )
    done = {user_id for user_id, key in already_sent if keys.get(user_id) == key}
    last_sent = dict(
        DigestDelivery.objects.filter(
            user_id__in=user_ids, frequency=frequency, status=DigestDelivery.Status.SENT
        )
        .values("user_id")
        .annotate(last=Max("period_end"))
        .values_list("user_id", "last")
    )
    periods = {}
    for user in users:
        if user.pk in done:
            continue
        last = last_sent.get(user.pk)
        start = max(last, end - LOOKBACK[frequency]) if last else end - PERIOD[frequency]
        periods[user.pk] = Period(key=keys[user.pk], start=start, end=end)
    return periods, done


def digest_run_list(*, limit: int = 50) -> list[DigestRun]:
    return list(DigestRun.objects.order_by("-started_at", "-id")[:limit])


def notification_preference_for(*, user: User) -> NotificationPreference:
    """The person's preferences, unsaved defaults when they never changed them."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)
