"""Read endpoints for the report: reports, sessions, themes and recommendations."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import PortalViewSetMixin, StrictOrderingFilter

from . import selectors
from .filters import RecommendationFilter
from .models import Example, Recommendation, Report, Theme
from .serializers import (
    RecommendationDetailSerializer,
    RecommendationSerializer,
    ReportSerializer,
    SessionSerializer,
    ThemeSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="The reports the recommendations come from."),
    retrieve=extend_schema(summary="One report."),
)
class ReportViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    queryset = Report.objects.order_by("year", "id")


@extend_schema_view(
    list=extend_schema(summary="The report's sessions, in order."),
    retrieve=extend_schema(summary="One session, by slug."),
)
class SessionViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return selectors.session_list()


@extend_schema_view(
    list=extend_schema(summary="The themes, with how many recommendations each has."),
    retrieve=extend_schema(summary="One theme, by slug."),
)
class ThemeViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return selectors.theme_list()


@extend_schema_view(
    list=extend_schema(
        summary="Recommendations, filtered by session, theme or words.",
        description="With `q`, the best matches come first unless `ordering` is given.",
    ),
    retrieve=extend_schema(summary="One recommendation with its examples, by slug."),
)
class RecommendationViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = RecommendationFilter
    ordering_fields = ["citation", "created_at", "updated_at"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RecommendationDetailSerializer
        return RecommendationSerializer

    def get_queryset(self):
        queryset = (
            Recommendation.objects.select_related("session")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order", "id")))
            .order_by("session__number", "number")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("examples", queryset=Example.objects.order_by("order"))
            )
        return queryset
