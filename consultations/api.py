"""API for Forum meetings, consultations, comments, endorsements, tallies, follows and open data.

Thin: parse, fetch through the selectors, call the same services as the pages.
"""

import django_filters
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from core.api import (
    LICENSE_LINE,
    IdFilter,
    PortalCursorPagination,
    PortalPagination,
    PortalViewSetMixin,
    StrictQueryParamsMixin,
)
from recommendations.models import Recommendation

from . import open_data, selectors, services
from .models import Comment, Consultation, Endorsement, Forum, Stance
from .rules import consultation_moderator_ids
from .serializers import (
    CommentCreateSerializer,
    CommentEditSerializer,
    CommentSerializer,
    ConsultationSerializer,
    EndorsementSerializer,
    EndorsementSetSerializer,
    FollowSerializer,
    ForumSerializer,
    TallyRowSerializer,
    TallySerializer,
)


class ReadOrSignedIn(permissions.BasePermission):
    """Anyone reads; writing needs a signed-in person (the services check the rest)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)


def _consultation(pk) -> Consultation:
    try:
        return selectors.consultation_get(pk=int(pk))
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _recommendation_field(consultation: Consultation, slug: str) -> Recommendation:
    try:
        return selectors.recommendation_in_consultation(consultation=consultation, slug=slug)
    except Recommendation.DoesNotExist:
        raise exceptions.ValidationError(
            {"recommendation": [_("This recommendation is not part of this consultation.")]}
        ) from None


def _set_comment_visibility(comments, viewer, consultation_moderator: dict) -> None:
    """The pages' per-viewer visibility for each comment (no query once roles are known)."""
    now = timezone.now()
    for comment in comments:
        key = comment.consultation_id
        if key not in consultation_moderator:
            consultation_moderator[key] = selectors.acts_as_moderator(
                viewer=viewer, consultation=comment.consultation
            )
        selectors.set_comment_visibility(
            comment=comment, viewer=viewer, is_moderator=consultation_moderator[key], now=now
        )


# --- Forum meetings and consultations -------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Forum meetings, latest first."),
    retrieve=extend_schema(summary="One Forum meeting."),
)
class ForumViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ForumSerializer
    queryset = Forum.objects.order_by("-starts_on", "name", "id")


class ConsultationFilter(django_filters.FilterSet):
    forum = IdFilter(field_name="forum_id", help_text=gettext_lazy("A Forum meeting's id."))

    class Meta:
        model = Consultation
        fields = ["forum"]


@extend_schema_view(
    list=extend_schema(summary="Consultations, the latest closing first."),
    retrieve=extend_schema(summary="One consultation."),
)
class ConsultationViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ConsultationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ConsultationFilter

    def get_queryset(self):
        return selectors.consultation_list()


# --- comments -----------------------------------------------------------


class CommentFilter(django_filters.FilterSet):
    recommendation = django_filters.CharFilter(
        field_name="recommendation__slug",
        max_length=100,
        help_text=gettext_lazy("A recommendation's slug."),
    )

    class Meta:
        model = Comment
        fields = ["recommendation"]


class CommentListCreate(StrictQueryParamsMixin, generics.ListCreateAPIView):
    """Comments of a consultation, oldest first, as the viewer may see them."""

    serializer_class = CommentSerializer
    pagination_class = PortalCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommentFilter
    permission_classes = [ReadOrSignedIn]

    def get_consultation(self) -> Consultation:
        if not hasattr(self, "_consultation"):
            self._consultation = _consultation(self.kwargs["pk"])
        return self._consultation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return selectors.comment_list(consultation=self.get_consultation())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        consultation = self.get_consultation()
        for comment in page:
            comment.consultation = consultation
        _set_comment_visibility(page, self.request.user, {})
        return page

    @extend_schema(summary="Comments of a consultation (cursor pages; filter by recommendation).")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Post a comment or a reply.",
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
    )
    def post(self, request, *args, **kwargs):
        consultation = self.get_consultation()
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        recommendation = _recommendation_field(consultation, values["recommendation"])
        parent = None
        if values.get("parent"):
            parent = Comment.objects.select_related("root").filter(pk=values["parent"]).first()
            if parent is None:
                raise exceptions.ValidationError({"parent": [_("This comment does not exist.")]})
        organisation = None
        if values.get("organisation"):
            organisation = Organisation.objects.filter(pk=values["organisation"]).first()
            if organisation is None:
                raise exceptions.ValidationError(
                    {"organisation": [_("This organisation does not exist.")]}
                )
        comment = services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body=values["body"],
            parent=parent,
            organisation=organisation,
            by=request.user,
        )
        comment.consultation = consultation
        _set_comment_visibility([comment], request.user, {})
        serializer = CommentSerializer(comment, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="One comment, as the viewer may see it."),
    partial_update=extend_schema(
        summary="Edit one's own comment (within 15 minutes).",
        request=CommentEditSerializer,
        responses={200: CommentSerializer},
    ),
    destroy=extend_schema(summary="Delete one's own comment."),
)
class CommentViewSet(
    PortalViewSetMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CommentSerializer
    permission_classes = [ReadOrSignedIn]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Comment.objects.select_related(
            "consultation__forum", "recommendation", "author", "organisation", "root"
        )

    def get_object(self):
        comment = super().get_object()
        consultation_moderator_ids(comment.consultation)
        _set_comment_visibility([comment], self.request.user, {})
        if comment.display == "deleted" and not comment.reply_count:
            raise Http404
        return comment

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_edit(
            comment=comment, body=data.validated_data["body"], by=request.user
        )
        _set_comment_visibility([comment], request.user, {})
        return Response(CommentSerializer(comment, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        services.comment_delete(comment=instance, by=self.request.user)


# --- endorsements and tallies -----------------------------------------------------------


class EndorsementFilter(django_filters.FilterSet):
    recommendation = django_filters.CharFilter(
        field_name="recommendation__slug",
        max_length=100,
        help_text=gettext_lazy("A recommendation's slug."),
    )
    stance = django_filters.ChoiceFilter(choices=Stance.choices)

    class Meta:
        model = Endorsement
        fields = ["recommendation", "stance"]


class EndorsementListSet(StrictQueryParamsMixin, generics.ListAPIView):
    """Organisations' current stances in a consultation."""

    serializer_class = EndorsementSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EndorsementFilter
    permission_classes = [ReadOrSignedIn]

    pagination_class = PortalPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Endorsement.objects.none()
        consultation = _consultation(self.kwargs["pk"])
        return (
            Endorsement.objects.active()
            .filter(consultation=consultation)
            .select_related("organisation", "recommendation", "cosigned__organisation")
            .order_by("recommendation__session__number", "recommendation__number", "stance", "id")
        )

    @extend_schema(summary="Endorsements of a consultation (filter by recommendation, stance).")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Take or change an organisation's stance (as its representative).",
        request=EndorsementSetSerializer,
        responses={200: EndorsementSerializer},
    )
    def post(self, request, *args, **kwargs):
        consultation = _consultation(kwargs["pk"])
        data = EndorsementSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        recommendation = _recommendation_field(consultation, values["recommendation"])
        organisation = Organisation.objects.filter(pk=values["organisation"]).first()
        if organisation is None:
            raise exceptions.ValidationError(
                {"organisation": [_("This organisation does not exist.")]}
            )
        cosign = None
        if values.get("cosign"):
            cosign = (
                Endorsement.objects.select_related("cosigned").filter(pk=values["cosign"]).first()
            )
            if cosign is None:
                raise exceptions.ValidationError(
                    {"cosign": [_("This statement cannot be co-signed.")]}
                )
        endorsement = services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=values.get("stance") or "",
            statement=values.get("statement", ""),
            cosign=cosign,
            by=request.user,
        )
        endorsement = Endorsement.objects.select_related(
            "organisation", "recommendation", "cosigned__organisation"
        ).get(pk=endorsement.pk)
        return Response(EndorsementSerializer(endorsement, context={"request": request}).data)


@extend_schema_view(
    retrieve=extend_schema(summary="One current endorsement."),
    destroy=extend_schema(summary="Withdraw an organisation's stance (as its representative)."),
)
class EndorsementViewSet(
    PortalViewSetMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EndorsementSerializer
    permission_classes = [ReadOrSignedIn]

    def get_queryset(self):
        return Endorsement.objects.active().select_related(
            "consultation", "organisation", "recommendation", "cosigned__organisation"
        )

    def perform_destroy(self, instance):
        services.endorsement_withdraw(endorsement=instance, by=self.request.user)


class TallyList(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="Comment and endorsement counts per recommendation in scope.",
        responses={200: TallyRowSerializer(many=True)},
    )
    def get(self, request, pk):
        consultation = _consultation(pk)
        rows = selectors.consultation_recommendation_rows(consultation=consultation)
        return Response(TallyRowSerializer(rows, many=True).data)


class TallyDetail(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="One recommendation's tally, by stance, kind and region of organisation.",
        responses={200: TallySerializer},
    )
    def get(self, request, pk, slug):
        consultation = _consultation(pk)
        try:
            recommendation = selectors.recommendation_in_consultation(
                consultation=consultation, slug=slug
            )
        except Recommendation.DoesNotExist:
            raise Http404 from None
        tally = selectors.recommendation_tally(
            consultation=consultation, recommendation=recommendation
        )
        data = {
            "recommendation": recommendation.slug,
            "support": tally.support,
            "reservations": tally.reservations,
            "oppose": tally.oppose,
            "total": tally.total,
            "by_kind": tally.by_kind,
            "by_region": tally.by_region,
        }
        return Response(TallySerializer(data).data)


# --- follows -----------------------------------------------------------


class _FollowView(StrictQueryParamsMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    def target(self) -> dict:
        raise NotImplementedError

    @extend_schema(summary="Whether you follow it.", responses={200: FollowSerializer})
    def get(self, request, **kwargs):
        target = self.target()
        following = request.user.follows.filter(**target).exists()
        return Response({"following": following})

    @extend_schema(summary="Follow it.", request=None, responses={200: FollowSerializer})
    def put(self, request, **kwargs):
        services.follow_set(by=request.user, **self.target())
        return Response({"following": True})

    @extend_schema(summary="Stop following it.", request=None, responses={200: FollowSerializer})
    def delete(self, request, **kwargs):
        services.follow_remove(by=request.user, **self.target())
        return Response({"following": False})


class ConsultationFollow(_FollowView):
    def target(self) -> dict:
        return {"consultation": _consultation(self.kwargs["pk"])}


class RecommendationFollow(_FollowView):
    def target(self) -> dict:
        return {"recommendation": get_object_or_404(Recommendation, slug=self.kwargs["slug"])}


# --- open data -----------------------------------------------------------


def _licensed(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["License"] = LICENSE_LINE
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OpenDataJSON(StrictQueryParamsMixin, APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="All of a consultation's public data as one JSON document (CC BY 4.0).",
        description=(
            "Streamed. The `License` header and the `license` field name the licence:"
            " CC BY 4.0. Organisations appear by their public names."
        ),
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, pk):
        consultation = _consultation(pk)
        response = StreamingHttpResponse(
            open_data.stream_json(consultation), content_type="application/json; charset=utf-8"
        )
        return _licensed(response, f"consultation-{consultation.pk}.json")


class OpenDataCSV(StrictQueryParamsMixin, APIView):
    permission_classes = [permissions.AllowAny]
    extra_query_params = ("table",)

    @extend_schema(
        summary="One table of a consultation's public data as CSV (CC BY 4.0).",
        description=(
            "Streamed, UTF-8 with a byte order mark. Cells that a spreadsheet would run as a"
            " formula start with an apostrophe. The `License` header names the licence."
        ),
        parameters=[
            OpenApiParameter(
                "table",
                str,
                enum=list(open_data.CSV_TABLES),
                description="Which table: recommendations (default), endorsements or comments.",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV table.")
        },
    )
    def get(self, request, pk):
        table = request.query_params.get("table", "recommendations")
        if table not in open_data.CSV_TABLES:
            raise exceptions.ValidationError(
                {"table": [_("Choose one of: recommendations, endorsements, comments.")]}
            )
        consultation = _consultation(pk)
        response = StreamingHttpResponse(
            open_data.stream_csv(consultation, table), content_type="text/csv; charset=utf-8"
        )
        return _licensed(response, f"consultation-{consultation.pk}-{table}.csv")


urlpatterns = [
    ("consultations/<id:pk>/comments/", CommentListCreate, "consultation-comments"),
    ("consultations/<id:pk>/endorsements/", EndorsementListSet, "consultation-endorsements"),
    ("consultations/<id:pk>/tallies/", TallyList, "consultation-tallies"),
    ("consultations/<id:pk>/tallies/<slug:slug>/", TallyDetail, "consultation-tally"),
    ("consultations/<id:pk>/follow/", ConsultationFollow, "consultation-follow"),
    ("consultations/<id:pk>/open-data.json", OpenDataJSON, "consultation-open-data-json"),
    ("consultations/<id:pk>/open-data.csv", OpenDataCSV, "consultation-open-data-csv"),
    ("recommendations/<slug:slug>/follow/", RecommendationFollow, "recommendation-follow"),
]
urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in urlpatterns]
