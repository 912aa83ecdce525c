"""Pages for consolidated documents: the download page, progress, files, publishing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.models import Consultation
from consultations.selectors import consultation_get
from core.errors import Refusal
from core.permissions import has_perm

from . import selectors, services
from .builders import CONTENT_TYPES
from .models import ConsolidatedExport, ExportFormat, ExportStatus, export_language


def _consultation(pk: int) -> Consultation:
    try:
        return consultation_get(pk=pk)
    except Consultation.DoesNotExist as error:
        raise Http404 from error


def _export(request, export_pk: int) -> ConsolidatedExport:
    """The export if the viewer may see it, checked on every request; 404 otherwise."""
    try:
        export = selectors.export_get(pk=export_pk)
    except ConsolidatedExport.DoesNotExist as error:
        raise Http404 from error
    if not has_perm(request.user, "exports.view_consolidatedexport", export):
        raise Http404
    return export


def export_list(request, pk):
    consultation = _consultation(pk)
    language = export_language(getattr(request, "LANGUAGE_CODE", None))
    versions = selectors.versions_by_language(
        exports=selectors.export_versions(consultation=consultation), language=language
    )
    can_draft = has_perm(request.user, "exports.view_draft_consolidatedexport", consultation)
    return render(
        request,
        "exports/consolidatedexport_list.html",
        {
            "consultation": consultation,
            "versions": versions,
            "language": language,
            "can_draft": can_draft,
            "can_request": has_perm(
                request.user, "exports.request_consolidatedexport", consultation
            ),
            "drafts": (
                selectors.export_latest_drafts(consultation=consultation, language=language)
                if can_draft
                else {}
            ),
            "formats": ExportFormat.choices,
            "can_publish": has_perm(
                request.user, "exports.publish_consolidatedexport", consultation
            ),
        },
    )


@require_POST
def export_request(request, pk):
    consultation = _consultation(pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    try:
        export = services.export_request(
            consultation=consultation,
            fmt=request.POST.get("format", ""),
            by=request.user,
            language=getattr(request, "LANGUAGE_CODE", None),
        )
    except Refusal as error:
        messages.error(request, str(error))
        return redirect("exports:export-list", pk=consultation.pk)
    return redirect(export)


@require_POST
def export_publish(request, pk):
    consultation = _consultation(pk)
    try:
        exports = services.export_publish(consultation=consultation, by=request.user)
    except Refusal as error:
        raise PermissionDenied(str(error)) from error
    messages.success(
        request, _("Version %(version)s has been published.") % {"version": exports[0].version}
    )
    return redirect("exports:export-list", pk=consultation.pk)


def export_detail(request, export_pk):
    export = _export(request, export_pk)
    template = (
        "exports/_export_status.html" if request.htmx else "exports/consolidatedexport_detail.html"
    )
    return render(
        request,
        template,
        {
            "export": export,
            "consultation": export.consultation,
            "building": export.status in (ExportStatus.PENDING, ExportStatus.BUILDING),
        },
    )


def export_download(request, export_pk):
    export = _export(request, export_pk)
    if export.status != ExportStatus.READY or not export.file:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )
    if export.is_published:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = export.sha256
    return response
