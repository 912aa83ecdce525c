"""What the API shows of organisations; at-risk ones as the pages show them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import rules
from .models import Organisation


def viewer_is_moderator(context) -> bool:
    """Moderators see at-risk organisations' names; computed once per serializer context."""
    if "viewer_is_moderator" not in context:
        request = context.get("request")
        context["viewer_is_moderator"] = bool(request and rules.is_moderator(request.user))
    return context["viewer_is_moderator"]


def organisation_name(organisation: Organisation | None, context) -> str | None:
    if organisation is None:
        return None
    request = context.get("request")
    return organisation.name_for(request.user if request else None)


def organisation_is_masked(organisation: Organisation, context) -> bool:
    return organisation.is_at_risk and not viewer_is_moderator(context)


class OrganisationRefSerializer(serializers.Serializer):
    """An organisation named as the viewer may see it; no id for a masked at-risk one."""

    id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    kind = serializers.CharField()
    region = serializers.CharField()

    def get_id(self, obj) -> int | None:
        return None if organisation_is_masked(obj, self.context) else obj.pk

    def get_name(self, obj) -> str:
        return organisation_name(obj, self.context)


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.__str__")
    role = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    country = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    is_at_risk = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "country",
            "website",
            "description",
            "is_at_risk",
            "members",
        ]

    def _masked(self, obj) -> bool:
        return organisation_is_masked(obj, self.context)

    def get_name(self, obj) -> str:
        return organisation_name(obj, self.context)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_country(self, obj) -> str | None:
        return None if self._masked(obj) else str(obj.country.code or "")

    def get_website(self, obj) -> str:
        return "" if self._masked(obj) else obj.website

    def get_description(self, obj) -> str:
        return "" if self._masked(obj) else obj.description

    def get_is_at_risk(self, obj) -> bool:
        return obj.is_at_risk

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, obj):
        if self._masked(obj):
            return []
        return MemberSerializer(getattr(obj, "public_memberships", []), many=True).data
