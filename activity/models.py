"""The activity stream and the audit log: what happened, written by every app's services.

The tables keep the names they had when these models lived in consultations.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModerationAction(models.Model):
    """The audit log: one row per moderation act, never edited or deleted."""

    class Action(models.TextChoices):
        ORGANISATION_VERIFIED = "organisation_verified", _("Organisation verified")
        ORGANISATION_REJECTED = "organisation_rejected", _("Organisation rejected")
        AT_RISK_GRANTED = "at_risk_granted", _("At-risk status granted")
        AT_RISK_REVOKED = "at_risk_revoked", _("At-risk status revoked")
        FORUM_CREATED = "forum_created", _("Forum meeting created")
        FORUM_CHANGED = "forum_changed", _("Forum meeting changed")
        CONSULTATION_CREATED = "consultation_created", _("Consultation created")
        CONSULTATION_CHANGED = "consultation_changed", _("Consultation changed")
        CONSULTATION_EXTENDED = "consultation_extended", _("Consultation extended")
        CONSULTATION_CLOSED = "consultation_closed", _("Consultation closed early")
        COMMENT_HIDDEN = "comment_hidden", _("Comment hidden")
        COMMENT_RESTORED = "comment_restored", _("Comment restored")
        FLAGS_DISMISSED = "flags_dismissed", _("Flags dismissed")
        THREAD_LOCKED = "thread_locked", _("Thread locked")
        THREAD_UNLOCKED = "thread_unlocked", _("Thread unlocked")
        USER_SUSPENDED = "user_suspended", _("Person suspended from a consultation")
        SUSPENSION_LIFTED = "suspension_lifted", _("Suspension lifted")
        SYNTHESIS_WRITTEN = "synthesis_written", _("Synthesis written")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # What the target was called at the time, for moderators' eyes only.
    target_label = models.CharField(_("target"), max_length=300)
    reason = models.TextField(_("reason"), blank=True)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "consultations_moderationaction"
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def get_action_display(self) -> str:
        try:
            return self.Action(self.action).label
        except ValueError:
            return self.action


class Activity(models.Model):
    """Something that happened, written by the services; digests are built from it."""

    class Verb(models.TextChoices):
        ORGANISATION_VERIFIED = "organisation_verified", _("Organisation verified")
        ORGANISATION_REJECTED = "organisation_rejected", _("Organisation rejected")
        FORUM_CREATED = "forum_created", _("Forum meeting created")
        FORUM_CHANGED = "forum_changed", _("Forum meeting changed")
        CONSULTATION_CREATED = "consultation_created", _("Consultation created")
        CONSULTATION_CHANGED = "consultation_changed", _("Consultation changed")
        CONSULTATION_EXTENDED = "consultation_extended", _("Consultation extended")
        CONSULTATION_CLOSED = "consultation_closed", _("Consultation closed")
        CONSULTATION_OPENED = "consultation_opened", _("Consultation opened")
        CONSULTATION_CLOSING_SOON = "consultation_closing_soon", _("Consultation closing soon")
        COMMENT_POSTED = "comment_posted", _("Comment posted")
        COMMENT_REPLIED = "comment_replied", _("Reply posted")
        COMMENT_EDITED = "comment_edited", _("Comment edited")
        COMMENT_DELETED = "comment_deleted", _("Comment deleted")
        COMMENT_FLAGGED = "comment_flagged", _("Comment flagged")
        COMMENT_HIDDEN = "comment_hidden", _("Comment hidden")
        COMMENT_RESTORED = "comment_restored", _("Comment restored")
        FLAGS_DISMISSED = "flags_dismissed", _("Flags dismissed")
        THREAD_LOCKED = "thread_locked", _("Thread locked")
        THREAD_UNLOCKED = "thread_unlocked", _("Thread unlocked")
        ENDORSEMENT_SET = "endorsement_set", _("Stance taken")
        ENDORSEMENT_CHANGED = "endorsement_changed", _("Stance changed")
        ENDORSEMENT_WITHDRAWN = "endorsement_withdrawn", _("Stance withdrawn")
        FOLLOWED = "followed", _("Followed")
        UNFOLLOWED = "unfollowed", _("Unfollowed")
        USER_SUSPENDED = "user_suspended", _("Person suspended")
        SUSPENSION_LIFTED = "suspension_lifted", _("Suspension lifted")
        SYNTHESIS_WRITTEN = "synthesis_written", _("Synthesis written")

    verb = models.CharField(_("what happened"), max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "consultations_activity"
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["consultation", "created_at"], name="consultations_activity_cons"),
        ]

    def __str__(self):
        return f"{self.verb} {self.target_type_id}:{self.target_id}"
