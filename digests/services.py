"""Writes for digests and notifications: runs, deliveries, the outbox, preferences.

A digest is sent exactly once per person and period: the delivery row is
inserted (the unique constraint is the claim) and the email sent inside one
transaction, so a crash before the commit leaves no row and the next run
sends it, while a second worker on the same person waits for the first and
then finds the row. Immediate notifications go through the outbox, written in
the transaction of the event that causes them.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from consultations.models import Comment
from core.permissions import require_perm
from core.tasks import enqueue_on_commit

from .content import Digest, DigestBuilder, absolute
from .models import (
    DigestDelivery,
    DigestRun,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
)
from .selectors import digest_periods, digest_recipients
from .tokens import (
    DIGEST,
    InvalidToken,
    unsubscribe_headers,
    unsubscribe_token_read,
    unsubscribe_url,
)

logger = logging.getLogger(__name__)

DIGEST_BATCH_SIZE = 500
OUTBOX_MAX_ATTEMPTS = 6
# Transient delivery failures: SMTP refusals and network errors.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def _user_fields():
    return ["pk", "email", "time_zone", "interface_language", "display_name", "digest_frequency"]


# --- digests ---------------------------------------------------------------------


def digest_build(*, user: User, frequency: str, end: datetime | None = None) -> Digest | None:
    """The digest ``user`` would get for the period ending at ``end`` (None: nothing new)."""
    end = end or timezone.now()
    builder = DigestBuilder(frequency=frequency)
    periods, _done = digest_periods(users=[user], frequency=frequency, end=end)
    builder.load([user], periods)
    return builder.digest_for(
        user,
        unsubscribe_url=unsubscribe_url(user_id=user.pk, what=DIGEST),
    )


def _digest_message(user, digest: Digest, connection) -> EmailMultiAlternatives:
    url = unsubscribe_url(user_id=user.pk, what=DIGEST)
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=digest.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=unsubscribe_headers(url),
        connection=connection,
    )
    message.attach_alternative(digest.html, "text/html")
    return message


def _digest_deliver(*, user, digest: Digest, frequency: str, period, run_id, connection) -> str:
    """Claim the person's period and send; returns "sent", "skipped" or "failed"."""
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = (
                DigestDelivery.objects.select_for_update()
                .filter(user_id=user.pk, frequency=frequency, period_key=period.key)
                .first()
            )
            if existing is not None and existing.status == DigestDelivery.Status.SENT:
                return "skipped"
            if existing is None:
                # The claim: a second worker blocks on the unique index until
                # this transaction ends, then fails to insert.
                DigestDelivery.objects.create(
                    user_id=user.pk,
                    frequency=frequency,
                    period_key=period.key,
                    period_start=period.start,
                    period_end=period.end,
                    status=DigestDelivery.Status.SENT,
                    item_count=digest.item_count,
                    sent_at=now,
                    run_id=run_id,
                )
            else:
                existing.status = DigestDelivery.Status.SENT
                existing.attempts += 1
                existing.error = ""
                existing.sent_at = now
                existing.period_start = period.start
                existing.item_count = digest.item_count
                existing.run_id = run_id
                existing.save()
            _digest_message(user, digest, connection).send()
    except IntegrityError:
        return "skipped"
    except SEND_ERRORS as error:
        logger.warning("Digest for %s could not be sent: %s", user.pk, error)
        with transaction.atomic():
            delivery, created = DigestDelivery.objects.select_for_update().get_or_create(
                user_id=user.pk,
                frequency=frequency,
                period_key=period.key,
                defaults={
                    "period_start": period.start,
                    "period_end": period.end,
                    "status": DigestDelivery.Status.FAILED,
                    "item_count": digest.item_count,
                    "error": str(error)[:1000],
                    "run_id": run_id,
                },
            )
            if not created and delivery.status == DigestDelivery.Status.FAILED:
                delivery.attempts += 1
                delivery.error = str(error)[:1000]
                delivery.save(update_fields=["attempts", "error"])
        return "failed"
    return "sent"


def digest_batch_send(
    *,
    user_ids: list[int],
    frequency: str,
    end: datetime,
    run_id: int | None = None,
    dry_run: bool = False,
    count_failures: bool = True,
) -> dict:
    """Build and send the digests of a batch of people; safe to run again at any time.

    Returns the tallies and the ids whose sending failed (to retry).
    """
    User = get_user_model()
    users = list(
        User.objects.filter(pk__in=user_ids, is_active=True, is_former_participant=False)
        .only(*[name for name in _user_fields() if name != "pk"])
        .order_by("pk")
    )
    periods, done = digest_periods(users=users, frequency=frequency, end=end)
    builder = DigestBuilder(frequency=frequency)
    builder.load(users, periods)
    tally = {"sent": 0, "skipped": len(user_ids) - len(users) + len(done), "failed": 0}
    failed_ids = []
    interval = float(getattr(settings, "DIGEST_SEND_INTERVAL", 0) or 0)
    connection = None if dry_run else get_connection()
    try:
        for user in users:
            if user.pk in done:
                continue
            digest = builder.digest_for(
                user,
                unsubscribe_url=unsubscribe_url(user_id=user.pk, what=DIGEST),
            )
            if digest is None:
                tally["skipped"] += 1
                continue
            if dry_run:
                tally["sent"] += 1
                continue
            if interval:
                # Keeps within the mail provider's sending rate.
                time.sleep(interval)
            outcome = _digest_deliver(
                user=user,
                digest=digest,
                frequency=frequency,
                period=periods[user.pk],
                run_id=run_id,
                connection=connection,
            )
            if outcome == "failed":
                failed_ids.append(user.pk)
                if count_failures:
                    tally["failed"] += 1
            else:
                tally[outcome] += 1
    finally:
        if connection is not None:
            try:
                connection.close()
            except SEND_ERRORS:
                logger.warning("Closing the mail connection failed.", exc_info=True)
    if run_id is not None:
        DigestRun.objects.filter(pk=run_id).update(
            sent_count=F("sent_count") + tally["sent"],
            skipped_count=F("skipped_count") + tally["skipped"],
            failed_count=F("failed_count") + tally["failed"],
        )
    return {**tally, "failed_ids": failed_ids}


def digest_run_batch_done(*, run_id: int) -> None:
    """Count a finished batch; the last one stamps the run as finished."""
    DigestRun.objects.filter(pk=run_id).update(batches_done=F("batches_done") + 1)
    DigestRun.objects.filter(
        pk=run_id, batches_done__gte=F("batch_count"), finished_at__isnull=True
    ).update(finished_at=timezone.now())


def _enqueue(task, *, queue: str | None, **kwargs) -> None:
    if queue is None:
        enqueue_on_commit(task, **kwargs)
        return

    def send():
        try:
            task.apply_async(kwargs=kwargs, queue=queue)
        except Exception:
            logger.exception("Could not queue %s.", task.name)

    transaction.on_commit(send, robust=True)


def digest_run_start(
    *,
    frequency: str,
    user_ids: list[int],
    end: datetime,
    trigger: str,
    dry_run: bool = False,
    queue: str | None = None,
) -> DigestRun:
    """Record a run and fan it out in batches of DIGEST_BATCH_SIZE people."""
    from .tasks import digest_batch_send as digest_batch_send_task

    batches = [
        user_ids[index : index + DIGEST_BATCH_SIZE]
        for index in range(0, len(user_ids), DIGEST_BATCH_SIZE)
    ]
    run = DigestRun.objects.create(
        frequency=frequency,
        trigger=trigger,
        dry_run=dry_run,
        people_count=len(user_ids),
        batch_count=len(batches),
        finished_at=None if batches else timezone.now(),
    )
    for batch in batches:
        _enqueue(
            digest_batch_send_task,
            queue=queue,
            user_ids=batch,
            frequency=frequency,
            end=end.isoformat(),
            run_id=run.pk,
            dry_run=dry_run,
        )
    return run


def digest_run_for_everyone(
    *, frequency: str, dry_run: bool = False, now: datetime | None = None, queue: str | None = None
) -> DigestRun:
    """Everyone with this frequency, whatever the hour (the command, for cron users)."""
    now = now or timezone.now()
    user_ids = list(
        digest_recipients(frequency=frequency).order_by("pk").values_list("pk", flat=True)
    )
    return digest_run_start(
        frequency=frequency,
        user_ids=user_ids,
        end=now,
        trigger=DigestRun.Trigger.COMMAND,
        dry_run=dry_run,
        queue=queue,
    )


# --- immediate notifications -------------------------------------------------------


def _label(obj: models.Model) -> list:
    return [obj._meta.label_lower, obj.pk]


@transaction.atomic
def outbox_enqueue(
    *,
    user: User | None,
    kind: str,
    subject_template: str,
    body_template: str,
    html_template: str = "",
    context: dict | None = None,
    objects: dict[str, models.Model] | None = None,
) -> OutboxMessage | None:
    """Queue an immediate notification in the caller's transaction; None if opted out.

    ``context`` must be JSON; ``objects`` are model instances fetched again
    when the message is sent (so an organisation's masking is current).
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind: {kind}")
    if user is None or not user.is_active or user.is_former_participant:
        return None
    allowed = NotificationPreference.objects.filter(user=user).values_list(kind, flat=True).first()
    if allowed is False:
        return None
    message = OutboxMessage.objects.create(
        user=user,
        kind=kind,
        subject_template=subject_template,
        body_template=body_template,
        html_template=html_template,
        context=context or {},
        objects_ref={name: _label(obj) for name, obj in (objects or {}).items()},
    )
    from .tasks import outbox_drain as outbox_drain_task

    enqueue_on_commit(outbox_drain_task)
    return message


def _outbox_email(message: OutboxMessage, connection) -> EmailMultiAlternatives | None:
    """The email for an outbox row, or None when it no longer makes sense to send it."""
    user = message.user
    if not user.is_active or user.is_former_participant:
        return None
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is not None and not preference.allows(message.kind):
        return None
    objects = {}
    for name, (label, pk) in (message.objects_ref or {}).items():
        obj = apps.get_model(label)._default_manager.filter(pk=pk).first()
        if obj is None:
            return None
        objects[name] = obj
    comment = objects.get("comment")
    if comment is not None and (comment.hidden_at or comment.deleted_at):
        return None
    url = unsubscribe_url(user_id=user.pk, what=message.kind)
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        **(message.context or {}),
        **objects,
        "user": user,
        "unsubscribe_url": url,
        "preferences_url": absolute(reverse("digests:preferences")),
    }
    with translation.override(user.interface_language or settings.LANGUAGE_CODE):
        subject = render_to_string(message.subject_template, context)
        body = render_to_string(message.body_template, context)
        body += render_to_string("digests/email/notification_footer.txt", context)
        html = render_to_string(message.html_template, context) if message.html_template else ""
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    email = EmailMultiAlternatives(
        subject=prefix + " ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=unsubscribe_headers(url),
        connection=connection,
    )
    if html:
        email.attach_alternative(html, "text/html")
    return email


def outbox_drain(*, limit: int = 200, now: datetime | None = None) -> int:
    """Send pending outbox messages that are due; returns how many were sent.

    Each message is locked while it is sent (other drains skip it), and marked
    sent in the same transaction.
    """
    now = now or timezone.now()
    pending = list(
        OutboxMessage.objects.filter(
            sent_at__isnull=True, abandoned_at__isnull=True, next_attempt_at__lte=now
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    if not pending:
        return sent
    connection = get_connection()
    for pk in pending:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, sent_at__isnull=True, abandoned_at__isnull=True)
                .first()
            )
            if message is None:
                continue
            email = _outbox_email(message, connection)
            if email is None:
                message.abandoned_at = now
                message.save(update_fields=["abandoned_at"])
                continue
            try:
                email.send()
            except SEND_ERRORS as error:
                message.attempts += 1
                message.last_error = str(error)[:1000]
                message.next_attempt_at = now + timedelta(minutes=2**message.attempts)
                if message.attempts >= OUTBOX_MAX_ATTEMPTS:
                    message.abandoned_at = now
                message.save(
                    update_fields=["attempts", "last_error", "next_attempt_at", "abandoned_at"]
                )
                logger.warning("Outbox message %s could not be sent: %s", pk, error)
                continue
            message.sent_at = timezone.now()
            message.save(update_fields=["sent_at"])
            sent += 1
    try:
        connection.close()
    except SEND_ERRORS:
        logger.warning("Closing the mail connection failed.", exc_info=True)
    return sent


def comment_reply_notify(*, comment: Comment) -> OutboxMessage | None:
    """Tell a comment's author, at once, that someone replied (in the reply's transaction)."""
    parent = comment.parent
    if parent is None or parent.author_id is None or parent.author_id == comment.author_id:
        return None
    return outbox_enqueue(
        user=parent.author,
        kind=NotificationKind.COMMENT_REPLY,
        subject_template="digests/email/comment_reply_subject.txt",
        body_template="digests/email/comment_reply_message.txt",
        html_template="digests/email/comment_reply_message.html",
        context={"url": absolute(comment.get_absolute_url())},
        objects={"comment": comment},
    )


# --- preferences and unsubscribing ------------------------------------------------


@transaction.atomic
def notification_preferences_update(
    *, user: User, by: User, **changes: bool
) -> NotificationPreference:
    """Change which immediate notifications a person gets; only they can."""
    require_perm(
        by, "accounts.manage_user", user, message=_("You can only change your own preferences.")
    )
    unknown = set(changes) - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"Not notification kinds: {sorted(unknown)}")
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    for name, value in changes.items():
        setattr(preference, name, bool(value))
    preference.updated_at = timezone.now()
    preference.save()
    return preference


@transaction.atomic
def unsubscribe_apply(*, token: str) -> tuple[User, str]:
    """Stop what the token names, without a login; returns the person and what stopped.

    Raises ``InvalidToken`` for a tampered token or a person who is gone.
    """
    user_id, what = unsubscribe_token_read(token)
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_former_participant=False).first()
    if user is None:
        raise InvalidToken
    if what == DIGEST:
        User.objects.of(User(pk=user_id)).update(digest_frequency="off")
        user.digest_frequency = "off"
    else:
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user
        )
        setattr(preference, what, False)
        preference.updated_at = timezone.now()
        preference.save()
    return user, what
