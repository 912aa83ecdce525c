"""Consolidated documents of a consultation: content snapshots and the files built from them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# The languages every published version is built in: the portal's languages.
EXPORT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def export_language(code: str | None) -> str:
    """One of the portal's languages for a requested code ("fr-ca" -> "fr"), else the default."""
    code = (code or "").lower().replace("_", "-")
    for candidate in (code, code.split("-")[0]):
        if candidate in EXPORT_LANGUAGES:
            return candidate
    return settings.LANGUAGE_CODE


# Verbs recorded as Activity rows (plain strings, see docs/decisions.md).
VERB_VERSION_PUBLISHED = "consolidated_version_published"


class ExportSnapshot(models.Model):
    """The structured content of a consolidated document at one moment, never changed."""

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="+"
    )
    data_fingerprint = models.CharField(max_length=64)
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "data_fingerprint"], name="exports_snapshot_unique"
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id}:{self.data_fingerprint[:12]}"


class ConsolidatedExport(models.Model):
    """One file of a consolidated document: a live draft, or a format of a published version."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="consolidated_exports",
    )
    snapshot = models.ForeignKey(ExportSnapshot, on_delete=models.PROTECT, related_name="exports")
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    # The language of the file's labels; the data and recommendations are the same in every one.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # sha256 of the content, the format, the language and the renderer version.
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Null for a draft; the version number for a published file.
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consolidated export")
        verbose_name_plural = _("consolidated exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "format", "language", "fingerprint"],
                condition=Q(version__isnull=True),
                name="exports_draft_unique_language",
            ),
            models.UniqueConstraint(
                fields=["consultation", "version", "format", "language"],
                condition=Q(version__isnull=False),
                name="exports_version_unique_language",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "version"], name="exports_cons_version")]

    def __str__(self):
        label = f"v{self.version}" if self.version else "draft"
        return f"{self.consultation_id} {label} {self.language} {self.format}"

    def get_absolute_url(self):
        return reverse("exports:export-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.version is not None

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def filename(self) -> str:
        label = f"v{self.version}" if self.version else "draft"
        return f"consolidated-{self.consultation_id}-{label}-{self.language}.{self.format}"
