"""Read endpoint for the directory of verified organisations."""

from django.db.models import Prefetch
from django.db.models.functions import Lower
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import PortalViewSetMixin
from core.converters import IdConverter

from . import rules
from .filters import OrganisationFilter
from .models import Membership, Organisation
from .serializers import OrganisationSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Verified organisations, filtered by kind, region or country.",
        description=(
            'An at-risk organisation appears as "an organisation from <region>", without its'
            " country, website, description or members, to everyone but moderators."
        ),
    ),
    retrieve=extend_schema(summary="One verified organisation."),
)
class OrganisationViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    lookup_value_regex = IdConverter.regex  # a huge or negative id is a 404
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganisationFilter

    def get_queryset(self):
        moderator = rules.is_moderator(self.request.user)
        public_members = Prefetch(
            "memberships",
            queryset=Membership.objects.filter(
                is_public=True, user__is_active=True, user__is_former_participant=False
            )
            .select_related("user")
            .order_by("-role", "user__display_name", "pk"),
            to_attr="public_memberships",
        )
        # At-risk organisations last for everyone else, so the order gives no hint of a name.
        return (
            Organisation.objects.verified()
            .prefetch_related(public_members)
            .order_by(*(() if moderator else ("is_at_risk",)), Lower("name"), "pk")
        )
