"""The REST API under /api/: the versioned endpoints, the schema, its docs and the token page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from accounts import token_views
from accounts.api import OrganisationViewSet
from consultations import api as consultations_api
from exports import api as exports_api
from positions import api as positions_api
from recommendations.api import (
    RecommendationViewSet,
    ReportViewSet,
    SessionViewSet,
    ThemeViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("reports", ReportViewSet, basename="report")
router.register("sessions", SessionViewSet, basename="session")
router.register("themes", ThemeViewSet, basename="theme")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("forums", consultations_api.ForumViewSet, basename="forum")
router.register("consultations", consultations_api.ConsultationViewSet, basename="consultation")
router.register("comments", consultations_api.CommentViewSet, basename="comment")
router.register("endorsements", consultations_api.EndorsementViewSet, basename="endorsement")

v1_patterns = [
    *router.urls,
    *consultations_api.urlpatterns,
    *positions_api.urlpatterns,
    *exports_api.urlpatterns,
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("tokens/", token_views.api_token_list, name="api-token-list"),
    path("tokens/<id:pk>/revoke/", token_views.api_token_revoke, name="api-token-revoke"),
    path("v1/", include((v1_patterns, "api"), namespace="api")),
]
