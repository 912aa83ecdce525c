from datetime import datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.querysets import SignallingManager, SignallingQuerySet

from .cursors import comment_link

# "Anywhere on Earth" is UTC-12: a date has not ended anywhere until it ends there.
ANYWHERE_ON_EARTH = dt_timezone(timedelta(hours=-12), "AoE")

COMMENT_MAX_LENGTH = 5000
STATEMENT_MAX_LENGTH = 3000
REASON_MAX_LENGTH = 1000
SYNTHESIS_MAX_LENGTH = 10000
EDIT_WINDOW = timedelta(minutes=15)


def end_of_day_anywhere_on_earth(day) -> datetime:
    """The last instant of ``day`` in the last time zone on Earth (UTC-12)."""
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=ANYWHERE_ON_EARTH)


class Forum(models.Model):
    """A Forum meeting, such as the 2007 Brussels meeting."""

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("Forum meeting")
        verbose_name_plural = _("Forum meetings")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="consultations_forum_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class ConsultationStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ConsultationScope(models.TextChoices):
    ALL = "all", _("All recommendations")
    SESSIONS = "sessions", _("Chosen sessions")
    RECOMMENDATIONS = "recommendations", _("Chosen recommendations")


class Consultation(models.Model):
    """A time-boxed consultation before a Forum meeting; its status follows from its window."""

    forum = models.ForeignKey(
        Forum,
        verbose_name=_("Forum meeting"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # Informational: closes_at was computed as the end of a day anywhere on Earth.
    closes_anywhere_on_earth = models.BooleanField(
        _("deadline at the end of the day anywhere on Earth"), default=False
    )
    closed_early_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=16, choices=ConsultationScope.choices, default=ConsultationScope.ALL
    )
    sessions = models.ManyToManyField(
        "recommendations.Session", verbose_name=_("sessions"), blank=True, related_name="+"
    )
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        verbose_name=_("recommendations"),
        blank=True,
        related_name="+",
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_consultations",
    )
    # Counters kept by the services so that pages never count big tables.
    comment_count = models.PositiveIntegerField(default=0)
    endorsement_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultations_consultation_window_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:consultation-detail", args=[self.pk])

    def status_at(self, moment: datetime) -> str:
        if moment < self.opens_at:
            return ConsultationStatus.UPCOMING
        if moment <= self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    @property
    def time_left(self) -> timedelta | None:
        if not self.is_open:
            return None
        return self.closes_at - timezone.now()

    def get_status_display(self) -> str:
        return ConsultationStatus(self.status).label

    @property
    def closing_date_anywhere_on_earth(self):
        return self.closes_at.astimezone(ANYWHERE_ON_EARTH).date()


class RecommendationStats(models.Model):
    """Counters per recommendation within a consultation, kept by the services."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="stats")
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.CASCADE, related_name="+"
    )
    comment_count = models.PositiveIntegerField(default=0)
    support_count = models.PositiveIntegerField(default=0)
    reservations_count = models.PositiveIntegerField(default=0)
    oppose_count = models.PositiveIntegerField(default=0)

    objects = SignallingManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "recommendation"], name="consultations_stats_unique"
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id}:{self.recommendation_id}"

    @property
    def endorsement_total(self) -> int:
        return self.support_count + self.reservations_count + self.oppose_count


class Comment(models.Model):
    """A comment on a recommendation within a consultation; replies point at their thread."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.PROTECT, related_name="+"
    )
    # The thread's first comment (null for a first comment) and the comment answered.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread_replies"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set on a thread's first comment: nobody may reply, edit or delete within it.
    locked_at = models.DateTimeField(null=True, blank=True)
    # Counters kept by the services.
    reply_count = models.PositiveIntegerField(default=0)
    open_flag_count = models.PositiveIntegerField(default=0, db_index=True)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["consultation", "recommendation", "root", "created_at"],
                name="consultations_comment_thread",
            ),
            # A page of threads in either order reads 20 index entries instead of
            # sorting every thread of a hot recommendation (EXPLAIN ANALYZE:
            # 42 ms -> under 1 ms over 4,000 threads).
            models.Index(
                fields=["consultation", "recommendation", "created_at", "id"],
                condition=Q(root__isnull=True),
                name="consultations_comment_threads",
            ),
            # The same for the most-replied-first order: a page after a cursor
            # starts where the cursor points instead of sorting every thread.
            models.Index(
                fields=["consultation", "recommendation", "reply_count", "created_at", "id"],
                condition=Q(root__isnull=True),
                name="consultations_comment_replies",
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"

    def get_absolute_url(self):
        """The page of the debate that starts with this comment's thread."""
        return comment_link(
            self.consultation_id, self.recommendation.slug, self.pk, self.root_id or self.pk
        )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_counted(self) -> bool:
        """Whether the comment counts in the public figures."""
        return self.deleted_at is None and self.hidden_at is None

    @property
    def thread_id(self) -> int:
        return self.root_id or self.pk


class Stance(models.TextChoices):
    SUPPORT = "support", _("Support")
    RESERVATIONS = "reservations", _("Support with reservations")
    OPPOSE = "oppose", _("Oppose")


# Stances whose reasons must be given.
STANCES_NEEDING_STATEMENT = {Stance.RESERVATIONS, Stance.OPPOSE}
STANCE_COUNTER = {
    Stance.SUPPORT: "support_count",
    Stance.RESERVATIONS: "reservations_count",
    Stance.OPPOSE: "oppose_count",
}


class EndorsementQuerySet(SignallingQuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Endorsement(models.Model):
    """An organisation's stance on a recommendation within a consultation.

    One row per organisation, recommendation and consultation, ever: a withdrawal
    marks it withdrawn and a new stance reuses it, so the unique constraint is a
    plain one and EndorsementChange keeps the history.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="endorsements"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="endorsements"
    )
    stance = models.CharField(_("stance"), max_length=16, choices=Stance.choices)
    statement = models.TextField(_("statement"), max_length=STATEMENT_MAX_LENGTH, blank=True)
    # Set when the organisation co-signs another organisation's statement instead
    # of writing its own; the statement text is copied at the time of signing.
    cosigned = models.ForeignKey(
        "self",
        verbose_name=_("co-signed statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cosignatures",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "recommendation", "organisation"],
                name="consultations_endorsement_one_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(stance=Stance.SUPPORT) | ~Q(statement=""),
                name="consultations_endorsement_dissent_has_statement",
            ),
        ]
        indexes = [
            # The statements on a recommendation's page, a page at a time, in order.
            models.Index(
                fields=["consultation", "recommendation", "stance", "created_at", "id"],
                condition=Q(withdrawn_at__isnull=True),
                name="consultations_endorsement_page",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id}:{self.recommendation_id} {self.stance}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def is_cosignable(self) -> bool:
        """A statement of reservations or opposition of its own, which others may co-sign."""
        return self.stance in STANCES_NEEDING_STATEMENT and not self.cosigned_id


class EndorsementChange(models.Model):
    """One entry in an endorsement's history: every stance taken and every withdrawal."""

    endorsement = models.ForeignKey(Endorsement, on_delete=models.CASCADE, related_name="changes")
    stance = models.CharField(max_length=16, choices=Stance.choices, blank=True)
    statement = models.TextField(blank=True)
    cosigned = models.ForeignKey(
        Endorsement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.endorsement_id} {self.stance or 'withdrawn'}"


class PersonParticipation(models.Model):
    """A person who wrote something in a consultation, for the participation figures."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="person_participations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SignallingManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], name="consultations_person_participation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.consultation_id}"


class OrganisationParticipation(models.Model):
    """An organisation that commented or took a stance in a consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="organisation_participations"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"],
                name="consultations_organisation_participation_unique",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} in {self.consultation_id}"


class Follow(models.Model):
    """A person following a consultation or a recommendation (exactly one of them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SignallingManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(consultation__isnull=False, recommendation__isnull=True)
                    | Q(consultation__isnull=True, recommendation__isnull=False)
                ),
                name="consultations_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "consultation"],
                condition=Q(consultation__isnull=False),
                name="consultations_follow_consultation_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "recommendation"],
                condition=Q(recommendation__isnull=False),
                name="consultations_follow_recommendation_unique",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.consultation_id or self.recommendation_id}"


class FlagReason(models.TextChoices):
    OFFENSIVE = "offensive", _("Offensive, hateful or harassing")
    PERSONAL_DATA = "personal_data", _("Reveals personal information")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A signed-in person's report that a comment breaks the code of conduct."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    details = models.TextField(_("details"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(resolved_at__isnull=True),
                name="consultations_flag_one_open_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.comment_id} {self.reason}"


class Suspension(models.Model):
    """A person barred from writing in one consultation until it is lifted."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="suspensions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_suspensions"
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SignallingManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(lifted_at__isnull=True),
                name="consultations_suspension_one_active",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} suspended from {self.consultation_id}"


class Synthesis(models.Model):
    """The moderators' short synthesis of the debate on one recommendation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="syntheses"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("synthesis"), max_length=SYNTHESIS_MAX_LENGTH)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("synthesis")
        verbose_name_plural = _("syntheses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "recommendation"], name="consultations_synthesis_unique"
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id}:{self.recommendation_id}"
