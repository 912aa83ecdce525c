"""What the API shows of Forum meetings, consultations, comments and endorsements.

Comments go through the same per-viewer visibility as the pages; organisations
are named with ``Organisation.name_for``, so at-risk ones stay masked.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import OrganisationRefSerializer
from core.api import MAX_ID
from core.markdown import render_markdown

from .models import COMMENT_MAX_LENGTH, STATEMENT_MAX_LENGTH, Comment, Consultation, Forum, Stance


def person_name(user) -> str:
    return str(user) if user is not None else _("a former participant")


class ForumSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Forum
        fields = ["id", "name", "city", "country", "starts_on", "ends_on"]


class ConsultationSerializer(serializers.ModelSerializer):
    forum = ForumSerializer(read_only=True)
    status = serializers.CharField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "description",
            "forum",
            "opens_at",
            "closes_at",
            "status",
            "scope",
            "comment_count",
            "endorsement_count",
            "url",
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class CommentSerializer(serializers.ModelSerializer):
    """A comment as the viewer may see it: ``display`` is visible, hidden or deleted."""

    recommendation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    thread = serializers.IntegerField(source="thread_id", read_only=True)
    author = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    display = serializers.ChoiceField(choices=["visible", "hidden", "deleted"])
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    hidden_reason = serializers.SerializerMethodField()
    is_locked = serializers.SerializerMethodField()
    can_edit = serializers.BooleanField()
    can_delete = serializers.BooleanField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "consultation",
            "recommendation",
            "thread",
            "parent",
            "author",
            "organisation",
            "display",
            "body",
            "body_html",
            "hidden_reason",
            "created_at",
            "edited_at",
            "reply_count",
            "is_locked",
            "can_edit",
            "can_delete",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, obj) -> str | None:
        if obj.display == "deleted":
            return None
        return person_name(obj.author)

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_organisation(self, obj):
        if obj.display == "deleted" or obj.organisation is None:
            return None
        return OrganisationRefSerializer(obj.organisation, context=self.context).data

    def get_body(self, obj) -> str:
        return obj.body if obj.show_body else ""

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body)) if obj.show_body else ""

    def get_hidden_reason(self, obj) -> str:
        return obj.hidden_reason if obj.show_hidden_reason else ""

    def get_is_locked(self, obj) -> bool:
        root = obj.root if obj.root_id else obj
        return root.locked_at is not None


class CommentCreateSerializer(serializers.Serializer):
    recommendation = serializers.SlugField(
        max_length=100, help_text="The slug of a recommendation in the consultation."
    )
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH, trim_whitespace=True)
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The comment answered.",
    )
    organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Speak on behalf of this organisation (one you belong to).",
    )


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH, trim_whitespace=True)


class EndorsementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    consultation = serializers.IntegerField(source="consultation_id")
    recommendation = serializers.CharField(source="recommendation.slug")
    organisation = OrganisationRefSerializer()
    stance = serializers.ChoiceField(choices=Stance.choices)
    statement = serializers.CharField()
    cosigned_from = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_cosigned_from(self, obj):
        if obj.cosigned_id is None:
            return None
        return OrganisationRefSerializer(obj.cosigned.organisation, context=self.context).data


class EndorsementSetSerializer(serializers.Serializer):
    recommendation = serializers.SlugField(max_length=100)
    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The organisation you represent."
    )
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    statement = serializers.CharField(
        max_length=STATEMENT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    cosign = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Co-sign this endorsement's statement instead of writing one.",
    )

    def validate(self, attrs):
        if not attrs.get("cosign") and not attrs.get("stance"):
            raise serializers.ValidationError({"stance": [_("Choose a stance.")]})
        return attrs


class TallyRowSerializer(serializers.Serializer):
    recommendation = serializers.CharField(source="slug")
    citation = serializers.CharField()
    title = serializers.CharField()
    comment_count = serializers.IntegerField(source="stats.comment_count")
    support = serializers.IntegerField(source="stats.support_count")
    reservations = serializers.IntegerField(source="stats.reservations_count")
    oppose = serializers.IntegerField(source="stats.oppose_count")
    total = serializers.IntegerField(source="stats.endorsement_total")


class BreakdownSerializer(serializers.Serializer):
    label = serializers.CharField()
    support = serializers.IntegerField()
    reservations = serializers.IntegerField()
    oppose = serializers.IntegerField()
    total = serializers.IntegerField()


class TallySerializer(serializers.Serializer):
    recommendation = serializers.CharField()
    support = serializers.IntegerField()
    reservations = serializers.IntegerField()
    oppose = serializers.IntegerField()
    total = serializers.IntegerField()
    by_kind = BreakdownSerializer(many=True)
    by_region = BreakdownSerializer(many=True)


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField()
