"""API for the published consolidated versions of a consultation, with download links."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations.api import ReadOrSignedIn, _consultation
from core.api import StrictQueryParamsMixin

from . import selectors
from .models import ExportFormat, ExportStatus


class ExportFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    language = serializers.CharField(help_text="The language of the file's labels.")
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    built_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj) -> str | None:
        if obj.status != ExportStatus.READY or not obj.file:
            return None
        url = reverse("exports:export-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    files = ExportFileSerializer(many=True)


class VersionList(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="Published consolidated versions of a consultation, newest first, with links.",
        description=(
            "Each version lists its files (PDF, DOCX, XLSX, CSV, JSON, in each of the portal's"
            " languages); `download_url` is set once a file is built. Drafts are not listed."
        ),
        responses={200: VersionSerializer(many=True)},
    )
    def get(self, request, pk):
        consultation = _consultation(pk)
        versions: dict[int, dict] = {}
        for export in selectors.export_versions(consultation=consultation):
            entry = versions.setdefault(
                export.version,
                {"version": export.version, "published_at": export.published_at, "files": []},
            )
            entry["files"].append(export)
        data = sorted(versions.values(), key=lambda entry: -entry["version"])
        return Response(VersionSerializer(data, many=True, context={"request": request}).data)


urlpatterns = [
    path(
        "consultations/<id:pk>/consolidated-versions/",
        VersionList.as_view(),
        name="consolidated-version-list",
    ),
]
