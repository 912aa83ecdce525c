from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Personal events that are emailed at once; everything else waits for the digest."""

    COMMENT_REPLY = "comment_reply", _("Someone replies to one of my comments")
    AMENDMENT_DECIDED = "amendment_decided", _("An amendment I proposed is decided")
    ORGANISATION_DECIDED = "organisation_decided", _("An organisation I registered is decided")
    SIGNED_POSITION_CHANGED = "signed_position_changed", _("A position I signed changes")


class NotificationPreference(models.Model):
    """Which immediate notifications a person wants; created the first time it is needed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    comment_reply = models.BooleanField(NotificationKind.COMMENT_REPLY.label, default=True)
    amendment_decided = models.BooleanField(NotificationKind.AMENDMENT_DECIDED.label, default=True)
    organisation_decided = models.BooleanField(
        NotificationKind.ORGANISATION_DECIDED.label, default=True
    )
    signed_position_changed = models.BooleanField(
        NotificationKind.SIGNED_POSITION_CHANGED.label, default=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user_id}"

    def allows(self, kind: str) -> bool:
        return bool(getattr(self, kind, True))


class OutboxMessage(models.Model):
    """An immediate notification, written in the event's transaction and sent by a task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject_template = models.CharField(max_length=200)
    body_template = models.CharField(max_length=200)
    html_template = models.CharField(max_length=200, blank=True)
    # JSON context for the templates; ``objects`` names model instances
    # (label, pk) fetched when the message is sent, so that masking is current.
    context = models.JSONField(default=dict, blank=True)
    objects_ref = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the message is given up: too many failures, or no longer relevant.
    abandoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, abandoned_at__isnull=True),
                name="digests_outbox_pending",
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.user_id}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.abandoned_at is None


class DigestFrequencyChoice(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class DigestRun(models.Model):
    """One run of the digests (hourly from beat, or from the command), with its tallies."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Command")

    frequency = models.CharField(_("frequency"), max_length=8, choices=DigestFrequencyChoice)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    people_count = models.PositiveIntegerField(_("people"), default=0)
    batch_count = models.PositiveIntegerField(_("batches"), default=0)
    batches_done = models.PositiveIntegerField(_("batches done"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)

    class Meta:
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.frequency} {self.started_at:%Y-%m-%d %H:%M}"


class DigestDelivery(models.Model):
    """A person's digest for one period; the unique constraint is what makes it exactly once."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    frequency = models.CharField(max_length=8, choices=DigestFrequencyChoice)
    # The person's local date (daily) or ISO week (weekly) the digest is for.
    period_key = models.CharField(max_length=16)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices)
    item_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(
        DigestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_key"], name="digests_delivery_once_per_period"
            ),
        ]
        indexes = [models.Index(fields=["user", "frequency", "status", "period_end"])]

    def __str__(self):
        return f"{self.user_id} {self.frequency} {self.period_key} {self.status}"
