"""Writes for consolidated documents: requesting drafts, building files, publishing versions."""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from activity.services import activity_record
from consultations.models import Consultation
from core.errors import Refusal
from core.permissions import require_perm
from core.renderers import RENDERER_VERSION
from core.tasks import enqueue_on_commit

from .builders import SNAPSHOT_LANGUAGE, Edition, build, localise, write_csv, write_xlsx
from .models import (
    EXPORT_LANGUAGES,
    VERB_VERSION_PUBLISHED,
    ConsolidatedExport,
    ExportFormat,
    ExportSnapshot,
    ExportStatus,
    export_language,
)
from .selectors import absolute_url, consolidated_content

logger = logging.getLogger(__name__)

# A build that has not finished after this long is taken to have died and may be retried.
STALE_BUILD = timedelta(minutes=15)


def content_fingerprint(*, content: dict) -> str:
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def export_fingerprint(*, data_fingerprint: str, fmt: str, language: str) -> str:
    key = f"{data_fingerprint}:{fmt}:{language}:{RENDERER_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()


def snapshot_take(*, consultation: Consultation) -> ExportSnapshot:
    """The current content of the consolidated document, stored once per distinct content.

    The snapshot holds one reading of the data with its labels in English
    (they are the catalogue's msgids); each file translates them when it is
    built, so every language of a version comes from the same data.
    """
    with translation.override(SNAPSHOT_LANGUAGE):
        content = consolidated_content(consultation=consultation)
    fingerprint = content_fingerprint(content=content)
    snapshot = ExportSnapshot.objects.filter(
        consultation=consultation, data_fingerprint=fingerprint
    ).first()
    if snapshot is not None:
        return snapshot
    try:
        with transaction.atomic():
            return ExportSnapshot.objects.create(
                consultation=consultation, data_fingerprint=fingerprint, content=content
            )
    except IntegrityError:
        return ExportSnapshot.objects.get(consultation=consultation, data_fingerprint=fingerprint)


@transaction.atomic
def export_request(
    *, consultation: Consultation, fmt: str, by: User, language: str | None = None
) -> ConsolidatedExport:
    """The live draft of one format, in one language, for the data as it is now.

    Queued for building if new; ``language`` falls back to the portal's default.
    """
    language = export_language(language)
    if fmt not in ExportFormat.values:
        raise Refusal(_("This format is not available."))
    require_perm(
        by,
        "exports.request_consolidatedexport",
        consultation,
        message=_(
            "Live drafts are available to signed-in participants while the consultation is open."
        ),
    )
    snapshot = snapshot_take(consultation=consultation)
    fingerprint = export_fingerprint(
        data_fingerprint=snapshot.data_fingerprint, fmt=fmt, language=language
    )
    with transaction.atomic():
        export, created = ConsolidatedExport.objects.get_or_create(
            consultation=consultation,
            format=fmt,
            language=language,
            fingerprint=fingerprint,
            version=None,
            defaults={"snapshot": snapshot, "requested_by": by},
        )
    if created or export.status == ExportStatus.FAILED:
        if not created:
            ConsolidatedExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.PENDING, error=""
            )
            export.status = ExportStatus.PENDING
        _enqueue_build(export)
    return export


@transaction.atomic
def export_publish(*, consultation: Consultation, by: User) -> list[ConsolidatedExport]:
    """Publish the next numbered version: one immutable file per format and language.

    Every file of the version is built from the same snapshot, so version N
    says the same in English, French and Spanish.
    """
    require_perm(
        by,
        "exports.publish_consolidatedexport",
        consultation,
        message=_(
            "Only the consultation's moderators, with two-factor authentication on, can publish."
        ),
    )
    # Lock the consultation so that two publications cannot take the same number.
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    snapshot = snapshot_take(consultation=consultation)
    latest = ConsolidatedExport.objects.filter(consultation=consultation).aggregate(
        n=Max("version")
    )["n"]
    version = (latest or 0) + 1
    now = timezone.now()
    exports = ConsolidatedExport.objects.bulk_create(
        [
            ConsolidatedExport(
                consultation=consultation,
                snapshot=snapshot,
                format=fmt,
                language=language,
                fingerprint=export_fingerprint(
                    data_fingerprint=snapshot.data_fingerprint, fmt=fmt, language=language
                ),
                version=version,
                published_at=now,
                published_by=by,
                requested_by=by,
                created_at=now,
            )
            for language in EXPORT_LANGUAGES
            for fmt in ExportFormat.values
        ]
    )
    if not all(e.pk for e in exports):
        exports = list(
            ConsolidatedExport.objects.filter(consultation=consultation, version=version)
        )
    activity_record(
        verb=VERB_VERSION_PUBLISHED,
        target=consultation,
        actor=by,
        consultation=consultation,
        data={"version": version},
    )
    for export in exports:
        _enqueue_build(export, notify=False)
    return exports


def _enqueue_build(export: ConsolidatedExport, *, notify: bool = True) -> None:
    from .tasks import export_build as export_build_task

    enqueue_on_commit(export_build_task, export_id=export.pk, notify=notify)


def _claim(export_id: int) -> bool:
    """Mark the export as building unless it is ready or another worker builds it now."""
    now = timezone.now()
    claimable = ConsolidatedExport.objects.filter(pk=export_id).filter(
        status__in=[ExportStatus.PENDING, ExportStatus.FAILED]
    ) | ConsolidatedExport.objects.filter(
        pk=export_id, status=ExportStatus.BUILDING, built_at__lt=now - STALE_BUILD
    )
    # built_at doubles as "started at" while building.
    return bool(claimable.update(status=ExportStatus.BUILDING, built_at=now, error=""))


def _edition(export: ConsolidatedExport) -> Edition:
    moment = export.published_at or export.created_at
    return Edition(
        version=export.version,
        date=moment.strftime("%Y-%m-%d %H:%M UTC"),
        language=export.language,
    )


def export_build(*, export_id: int, notify: bool = True) -> ConsolidatedExport | None:
    """Build the file of an export once; a second call for a ready export does nothing."""
    if not _claim(export_id):
        return ConsolidatedExport.objects.filter(pk=export_id).first()
    export = ConsolidatedExport.objects.select_related("snapshot").get(pk=export_id)
    try:
        with translation.override(export.language):
            digest, size, name = _write_file(export)
    except Exception as error:
        logger.exception("Building export %s failed.", export_id)
        ConsolidatedExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=str(error)[:2000]
        )
        raise
    with transaction.atomic():
        ConsolidatedExport.objects.filter(pk=export_id).update(
            status=ExportStatus.READY,
            file=name,
            size=size,
            sha256=digest,
            built_at=timezone.now(),
        )
        export.refresh_from_db()
        if notify and export.requested_by_id and export.requested_by.email:
            _notify_ready(export)
    return export


def _write_file(export: ConsolidatedExport) -> tuple[str, int, str]:
    """Write the file, labels in the active language, via a temporary file.

    CSV and XLSX never sit in memory whole.
    """
    content = localise(export.snapshot.content)
    edition = _edition(export)
    label = f"v{export.version}" if export.version else "draft"
    path = (
        f"exports/{export.consultation_id}/"
        f"{label}-{export.language}-{export.fingerprint[:16]}.{export.format}"
    )
    with tempfile.TemporaryFile() as handle:
        if export.format == ExportFormat.CSV:
            write_csv(content, handle)
        elif export.format == ExportFormat.XLSX:
            write_xlsx(content, handle)
        else:
            handle.write(build(export.format, content, edition))
        handle.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
        size = handle.tell()
        handle.seek(0)
        if default_storage.exists(path):
            default_storage.delete(path)
        name = default_storage.save(path, File(handle, name=path))
    return digest.hexdigest(), size, name


def _notify_ready(export: ConsolidatedExport) -> None:
    """Email the requester the link, once the ready state is committed."""
    user = export.requested_by
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "consultation_title": export.consultation.title,
        "format": export.get_format_display(),
        "url": absolute_url(path=export.get_absolute_url()),
    }
    language = user.interface_language or settings.LANGUAGE_CODE

    def send():
        with translation.override(language):
            subject = render_to_string("exports/email/export_ready_subject.txt", context)
            body = render_to_string("exports/email/export_ready_message.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            # The file is built; a mail failure must not mark it failed.
            logger.exception("Could not send the export-ready email for %s.", export.pk)

    transaction.on_commit(send)
