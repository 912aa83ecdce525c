"""The OpenAPI schema: the portal's error responses and its token scheme.

Kept apart from core.api because drf-spectacular imports rest_framework.views,
which loads the authentication classes, and those import core.api.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .api import error_responses


class PortalAutoSchema(AutoSchema):
    """Documents the error responses every endpoint may give, in the portal's error shape."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = [400, 401, 403, 429]
        if "{" in self.path:
            codes.append(404)
        if self.method != "GET":
            # A write can meet a state that refuses it: closed, locked, final, already decided.
            codes.append(409)
        codes.extend(getattr(self.view, "extra_error_codes", ()))
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    error_responses(code)[code], str(code), direction=direction
                )
        return responses

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        # An id that exists in the demo data, for clients trying the API and for the fuzzer.
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] in ("id", "pk"):
                parameter.setdefault("example", 1)
        return operation


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal API token: `Token <token>`.",
        }
