"""What every API endpoint shares: errors, the JSON parser, pagination, strict
query parameters, throttles and personal-token digests.

Errors always read ``{"detail": "...", "errors": {"field": ["..."]}}``.
"""

import hashlib
import io

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core.errors import STATUS_BY_KIND, Refusal

LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_LINE = f"{LICENSE} <{LICENSE_URL}>"

MAX_ID = 2**31 - 1
TOKEN_PREFIX_LENGTH = 8


# --- errors -----------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Someone else changed this in the meantime.")
    default_code = "conflict"

    def __init__(self, detail=None, *, current=None):
        super().__init__(detail)
        self.current = current


# --- the JSON parser ------------------------------------------------------

# Deeper than any body the API takes (a comment, a stance, a revision, a list of them).
MAX_JSON_DEPTH = 32


class NestedTooDeeply(exceptions.ParseError):
    default_detail = gettext_lazy("The JSON body is nested too deeply.")
    default_code = "too_deep"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def _deeper_than(value, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return False


class PortalJSONParser(JSONParser):
    """JSON bodies of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes, nested at most MAX_JSON_DEPTH deep.

    A larger body is a 413 and a deeper one a 400 with a sentence, never a
    server error: Python's parser gives up on deep nesting with a
    RecursionError, which DRF does not catch.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise NestedTooDeeply from None
        if _deeper_than(data, MAX_JSON_DEPTH):
            raise NestedTooDeeply
        return data


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _flatten(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _flatten(item)]
    return [str(value)]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _flatten(messages) for field, messages in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def error_body(detail: str, errors: dict | None = None) -> dict:
    return {"detail": str(detail), "errors": errors or {}}


def api_exception_handler(exc, context):
    """Turn every refusal into the portal's JSON error shape; never a 500 for bad input."""
    # Imported here: rest_framework.views loads the authentication classes,
    # which import this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Refusal):
        message = str(exc.message)
        field = exc.field or "non_field_errors"
        return Response(error_body(message, {field: [message]}), status=STATUS_BY_KIND[exc.kind])
    if isinstance(exc, RequestDataTooBig):  # Django's own limit, on a body read before
        exc = PayloadTooLarge()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, ObjectDoesNotExist | Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        messages = errors.get("non_field_errors") or []
        detail = messages[0] if len(errors) == 1 and messages else _("The request is not valid.")
        response.data = error_body(detail, errors)
    elif isinstance(exc, Conflict):
        response.data = error_body(exc.detail)
        response.data["current"] = exc.current
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        detail = _("Too many requests. Please wait a moment and try again.")
        if wait is not None:
            detail = _("Too many requests. Please try again in %(seconds)d seconds.") % {
                "seconds": int(wait) + 1
            }
        response.data = error_body(detail)
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = error_body(_("Sign in or send a personal API token to do this."))
    elif isinstance(exc, exceptions.AuthenticationFailed):
        response.data = error_body(exc.detail)
    elif isinstance(exc, exceptions.PermissionDenied):
        detail = exc.detail
        if str(detail) == str(exceptions.PermissionDenied.default_detail):
            detail = _("You may not do this.")
        response.data = error_body(detail)
    elif isinstance(exc, exceptions.NotFound):
        response.data = error_body(_("Nothing was found here."))
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = error_body(_("This method is not allowed here."))
    elif isinstance(exc, NestedTooDeeply | PayloadTooLarge):
        response.data = error_body(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        response.data = error_body(_("The request body could not be read."))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = error_body(_("Send the request body as JSON or as a form."))
    elif isinstance(exc, exceptions.NotAcceptable):
        response.data = error_body(_("This response is only available as JSON."))
    else:
        data = response.data
        response.data = error_body(data.get("detail", "") if isinstance(data, dict) else data)
    return response


ERROR_SERIALIZER = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


def error_responses(*codes: int) -> dict:
    """The documented error responses of an endpoint, for ``extend_schema(responses=...)``."""
    descriptions = {
        400: "The request breaks a rule or a parameter is not accepted.",
        401: "Not signed in and no valid personal API token.",
        403: "Signed in, but not allowed to do this.",
        404: "Not found.",
        409: (
            "The current state does not allow this: it is closed, locked, final or already"
            " decided, or someone else changed it in the meantime."
        ),
        429: "Too many requests.",
    }
    return {
        code: OpenApiResponse(ERROR_SERIALIZER, description=descriptions[code]) for code in codes
    }


READ_ERRORS = error_responses(400, 429)
DETAIL_ERRORS = error_responses(400, 404, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 429)


# --- strict query parameters -----------------------------------------------------------


class StrictOrderingFilter(OrderingFilter):
    """Ordering by a declared field only; anything else is a 400, never a query."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.getlist(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        if len(params) > 1:
            raise exceptions.ValidationError({self.ordering_param: [_("Give the ordering once.")]})
        allowed = {
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        }
        fields = [term.strip() for term in params[0].split(",") if term.strip()]
        unknown = [term for term in fields if term.lstrip("-") not in allowed]
        if unknown or not fields:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        _("Order by one of: %(fields)s.") % {"fields": ", ".join(sorted(allowed))}
                    ]
                }
            )
        return fields


class StrictQueryParamsMixin:
    """Refuse any query parameter the endpoint does not declare, before any query runs."""

    extra_query_params: tuple[str, ...] = ()

    def declared_query_params(self) -> set[str]:
        names = set(self.extra_query_params)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
                value = getattr(paginator, attribute, None)
                if value:
                    names.add(value)
        for backend in getattr(self, "filter_backends", ()):
            if isinstance(backend, type) and issubclass(backend, OrderingFilter):
                names.add(backend.ordering_param)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names.update(filterset_class.base_filters)
        return names

    def initial(self, request, *args, **kwargs):
        # Before content negotiation, which would act on an undeclared ?format=.
        self.check_query_params(request)
        super().initial(request, *args, **kwargs)

    def perform_content_negotiation(self, request, force=False):
        # Answer in JSON whatever the Accept header asks: never an undocumented 406.
        return super().perform_content_negotiation(request, force=True)

    def check_query_params(self, request):
        if request.method not in ("GET", "HEAD"):
            declared = set(self.extra_query_params)
        else:
            declared = self.declared_query_params()
        unknown = sorted(set(request.query_params) - declared)
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("This query parameter is not accepted here.")] for name in unknown}
            )
        repeated = sorted(
            name for name in request.query_params if len(request.query_params.getlist(name)) > 1
        )
        if repeated:
            raise exceptions.ValidationError(
                {name: [_("Give this query parameter only once.")] for name in repeated}
            )


class IdFilter(django_filters.Filter):
    """A database id: a whole number in the range of an integer column, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


# --- pagination -----------------------------------------------------------


MAX_PAGE_SIZE = 100


def _page_size(request, param: str, default: int) -> int:
    raw = request.query_params.get(param)
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_PAGE_SIZE or str(value) != raw.strip():
        raise exceptions.ValidationError(
            {param: [_("Choose a page size from 1 to %(maximum)d.") % {"maximum": MAX_PAGE_SIZE}]}
        )
    return value


class PortalPagination(PageNumberPagination):
    """Numbered pages of 1 to 100 items; a page number out of range is a 400."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Give a page number from 1.")]}
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as error:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("This page does not exist.")]}
            ) from error

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                }
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class PortalCursorPagination(CursorPagination):
    """Cursor pages for long, growing lists; a malformed cursor is a 400."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("created_at", "id")

    def get_page_size(self, request):
        return _page_size(request, self.page_size_query_param, self.page_size)

    def decode_cursor(self, request):
        invalid = exceptions.ValidationError(
            {self.cursor_query_param: [_("This cursor is not valid.")]}
        )
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise invalid from error
        # The position is compared with the first ordering field: it must parse as one.
        if cursor is not None and cursor.position is not None:
            try:
                valid = parse_datetime(cursor.position) is not None
            except ValueError:
                valid = False
            if not valid:
                raise invalid
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                }
        return parameters


# --- throttles -----------------------------------------------------------


class WriteThrottle(ScopedRateThrottle):
    """Per-user rate for writes (scope "write"); reads only count against anon/user."""

    scope_attr = "write_throttle_scope"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not getattr(view, self.scope_attr, None):
            view.write_throttle_scope = "write"
        self.scope = view.write_throttle_scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- personal API tokens -------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- base views -----------------------------------------------------------


class PortalViewSetMixin(StrictQueryParamsMixin):
    """Strict query parameters and numbered pages for every endpoint."""

    pagination_class = PortalPagination
