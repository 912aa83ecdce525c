"""API for joint positions: read them with revisions and signatories; revise, amend, sign.

Every write goes through positions.services, as the pages do.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from consultations.api import ReadOrSignedIn, _consultation
from core.api import Conflict, PortalPagination, StrictQueryParamsMixin

from . import selectors, services
from .models import Position, Signature
from .serializers import (
    AmendmentCreateSerializer,
    AmendmentSerializer,
    ConflictSerializer,
    PositionDetailSerializer,
    PositionSerializer,
    RevisionCreateSerializer,
    RevisionSerializer,
    SignatureCreateSerializer,
    SignatureSerializer,
)

ACTIVE_SIGNATURES = Prefetch(
    "signatures",
    queryset=Signature.objects.filter(withdrawn_at__isnull=True)
    .select_related("organisation")
    .order_by("created_at", "id"),
    to_attr="api_signatures",
)


def _position(pk) -> Position:
    try:
        position = selectors.position_get(pk=int(pk))
    except (Position.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return position


def _with_signatures(position: Position) -> Position:
    position.api_signatures = selectors.signature_list(position=position)
    return position


class PositionList(StrictQueryParamsMixin, generics.ListAPIView):
    """Joint positions of a consultation, with their signatories."""

    serializer_class = PositionSerializer
    pagination_class = PortalPagination
    permission_classes = [ReadOrSignedIn]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Position.objects.none()
        consultation = _consultation(self.kwargs["pk"])
        return selectors.position_list(consultation=consultation).prefetch_related(
            "co_editing_organisations", "recommendations", ACTIVE_SIGNATURES
        )

    @extend_schema(summary="Joint positions of a consultation, with their signatories.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PositionDetail(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="One position: its current text, its revisions and its signatories.",
        responses={200: PositionDetailSerializer},
    )
    def get(self, request, pk):
        position = _with_signatures(_position(pk))
        context = {
            "request": request,
            "current_revision": selectors.revision_get(position=position),
            "revisions": list(selectors.revision_history(position=position)),
        }
        return Response(PositionDetailSerializer(position, context=context).data)


class RevisionListCreate(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]
    extra_error_codes = (409,)

    @extend_schema(
        summary="Save a new revision of the text, based on the revision you edited.",
        description=(
            "If someone saved a newer revision since `base_revision`, nothing is written and the"
            " answer is a 409 with the current revision, to merge and try again. A position that"
            " is final or withdrawn, or a closed consultation, is also a 409, without `current`."
        ),
        request=RevisionCreateSerializer,
        responses={
            201: RevisionSerializer,
            409: OpenApiResponse(
                ConflictSerializer,
                description="A newer revision exists, or the position's state refuses a change.",
            ),
        },
    )
    def post(self, request, pk):
        position = _position(pk)
        data = RevisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            revision = services.position_revise(
                position=position,
                body=values["body"],
                message=values["message"],
                base_number=values["base_revision"],
                confirm_reopen=values["confirm_reopen"],
                by=request.user,
            )
        except services.RevisionConflict as conflict:
            current = conflict.current
            raise Conflict(
                conflict.message,
                current=RevisionSerializer(current).data if current is not None else None,
            ) from None
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class RevisionDetail(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="One revision of a position, with its text.", responses=RevisionSerializer
    )
    def get(self, request, pk, number):
        position = _position(pk)
        revision = (
            selectors.revision_get(position=position, number=number)
            if 1 <= number <= position.current_number
            else None
        )
        if revision is None:
            raise Http404
        return Response(RevisionSerializer(revision).data)


class AmendmentCreate(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="Propose replacement text for one paragraph of the current revision.",
        request=AmendmentCreateSerializer,
        responses={201: AmendmentSerializer},
    )
    def post(self, request, pk):
        position = _position(pk)
        data = AmendmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        amendment = services.amendment_propose(
            position=position,
            paragraph_index=values["paragraph_index"],
            base_number=values["base_revision"],
            proposed_text=values["proposed_text"],
            justification=values["justification"],
            by=request.user,
        )
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


class SignatureCreate(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="Sign a position open for signature, for an organisation you represent.",
        request=SignatureCreateSerializer,
        responses={201: SignatureSerializer},
    )
    def post(self, request, pk):
        position = _position(pk)
        data = SignatureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = Organisation.objects.filter(pk=data.validated_data["organisation"]).first()
        if organisation is None:
            raise exceptions.ValidationError(
                {"organisation": [_("This organisation does not exist.")]}
            )
        signature = services.signature_add(
            position=position, organisation=organisation, by=request.user
        )
        return Response(
            SignatureSerializer(signature, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SignatureWithdraw(StrictQueryParamsMixin, APIView):
    permission_classes = [ReadOrSignedIn]

    @extend_schema(
        summary="Withdraw an organisation's signature (as its representative).",
        responses={204: None},
    )
    def delete(self, request, pk):
        signature = get_object_or_404(
            Signature.objects.select_related("organisation"), pk=pk, withdrawn_at__isnull=True
        )
        signature.position = _position(signature.position_id)
        services.signature_withdraw(signature=signature, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("consultations/<id:pk>/positions/", PositionList.as_view(), name="position-list"),
    path("positions/<id:pk>/", PositionDetail.as_view(), name="position-detail"),
    path("positions/<id:pk>/revisions/", RevisionListCreate.as_view(), name="revision-create"),
    path(
        "positions/<id:pk>/revisions/<id:number>/",
        RevisionDetail.as_view(),
        name="revision-detail",
    ),
    path("positions/<id:pk>/amendments/", AmendmentCreate.as_view(), name="amendment-create"),
    path("positions/<id:pk>/signatures/", SignatureCreate.as_view(), name="signature-create"),
    path("signatures/<id:pk>/", SignatureWithdraw.as_view(), name="signature-withdraw"),
]
