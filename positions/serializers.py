"""What the API shows of joint positions: texts, revisions and signatories."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import OrganisationRefSerializer
from consultations.serializers import person_name
from core.markdown import render_markdown

from .models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    PARAGRAPH_MAX_LENGTH,
    Amendment,
    Position,
    PositionRevision,
    PositionStatus,
    Signature,
)


class SignatureSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()
    revision = serializers.IntegerField(source="revision_number")

    class Meta:
        model = Signature
        fields = ["id", "organisation", "revision", "created_at"]


class RevisionSummarySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    amendment = serializers.IntegerField(source="amendment_id", allow_null=True, read_only=True)

    class Meta:
        model = PositionRevision
        fields = ["number", "author", "message", "amendment", "restored_from", "created_at"]

    def get_author(self, obj) -> str:
        return person_name(obj.author)


class RevisionSerializer(RevisionSummarySerializer):
    body_html = serializers.SerializerMethodField()

    class Meta(RevisionSummarySerializer.Meta):
        fields = [*RevisionSummarySerializer.Meta.fields, "body", "body_html"]

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))


class PositionSerializer(serializers.ModelSerializer):
    consultation = serializers.IntegerField(source="consultation_id")
    status = serializers.ChoiceField(choices=PositionStatus.choices)
    lead_organisation = OrganisationRefSerializer()
    co_editing_organisations = OrganisationRefSerializer(many=True)
    recommendations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    current_revision = serializers.IntegerField(source="current_number")
    signatories = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = [
            "id",
            "consultation",
            "title",
            "status",
            "lead_organisation",
            "co_editing_organisations",
            "recommendations",
            "current_revision",
            "signature_count",
            "signatories",
            "created_at",
            "updated_at",
            "url",
        ]

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatories(self, obj):
        return SignatureSerializer(obj.api_signatures, many=True, context=self.context).data

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class PositionDetailSerializer(PositionSerializer):
    revision = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()

    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "revision", "revisions"]

    @extend_schema_field(RevisionSerializer(allow_null=True))
    def get_revision(self, obj):
        current = self.context.get("current_revision")
        return RevisionSerializer(current).data if current else None

    @extend_schema_field(RevisionSummarySerializer(many=True))
    def get_revisions(self, obj):
        return RevisionSummarySerializer(self.context.get("revisions", []), many=True).data


class RevisionCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, trim_whitespace=False)
    base_revision = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The revision number the text was edited from."
    )
    message = serializers.CharField(
        max_length=MESSAGE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    confirm_reopen = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Needed to change a position open for signature: it returns to drafting.",
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField()
    current = RevisionSerializer(
        allow_null=True,
        required=False,
        help_text="The newer revision to merge with; absent when the position's state refuses.",
    )


class AmendmentCreateSerializer(serializers.Serializer):
    paragraph_index = serializers.IntegerField(
        min_value=0, max_value=10000, help_text="The paragraph's position in the text, from 0."
    )
    base_revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    proposed_text = serializers.CharField(max_length=PARAGRAPH_MAX_LENGTH)
    justification = serializers.CharField(max_length=COMMENT_MAX_LENGTH)


class AmendmentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision_number")

    class Meta:
        model = Amendment
        fields = [
            "id",
            "position",
            "revision",
            "paragraph_index",
            "paragraph_text",
            "proposed_text",
            "justification",
            "author",
            "status",
            "created_at",
        ]

    def get_author(self, obj) -> str:
        return person_name(obj.author)


class SignatureCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The organisation you represent."
    )
