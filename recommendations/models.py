from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.querysets import SignallingManager


class Report(models.Model):
    """A published report whose recommendations the portal is seeded with."""

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=20, unique=True)
    source_sha256 = models.CharField(_("SHA-256 of the imported file"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["year", "id"]

    def __str__(self):
        return self.title


class Session(models.Model):
    """One of the report's eight sessions, each with its own recommendations."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("executive summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    policy_challenges = models.TextField(_("policy challenges"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="recommendations_session_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=8),
                name="recommendations_session_number_1_to_8",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("recommendations:session-detail", kwargs={"slug": self.slug})


class Theme(models.Model):
    """A cross-cutting common theme of the report."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recommendations:theme-detail", kwargs={"slug": self.slug})


class Recommendation(models.Model):
    """A numbered item under a session's "Suggested ways forward"."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    # Set once on creation and never rewritten: comments and endorsements link to it.
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    citation = models.CharField(_("citation"), max_length=20, unique=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="recommendations", blank=True
    )
    # True once a moderator has edited the themes: the importer then leaves them alone.
    themes_curated = models.BooleanField(
        _("themes edited by a moderator"),
        default=False,
        help_text=_("When set, re-importing the report does not change the themes."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["session__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="recommendations_recommendation_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="recommendations_recommendation_number_positive",
            ),
        ]

    def __str__(self):
        return f"{self.citation} {self.title}"

    def get_absolute_url(self):
        return reverse("recommendations:recommendation-detail", kwargs={"slug": self.slug})


class Example(models.Model):
    """An "Example:" paragraph standing under a recommendation, kept out of its body."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="examples",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    body = models.TextField(_("body"), help_text=_("Markdown."))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SignallingManager()

    class Meta:
        verbose_name = _("example")
        verbose_name_plural = _("examples")
        ordering = ["recommendation_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "order"], name="recommendations_example_unique_order"
            ),
        ]

    def __str__(self):
        return f"{self.recommendation.citation} example {self.order}"
