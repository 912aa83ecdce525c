"""Any API view that lets a Refusal through answers with its kind's status and the error shape."""

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.errors import Refusal

MESSAGE = "This is refused."


class Refusing(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    refusal: Refusal | None = None

    def post(self, request):
        raise self.refusal


def _post(refusal: Refusal):
    request = APIRequestFactory().post("/refused/", {}, format="json")
    return Refusing.as_view(refusal=refusal)(request)


@pytest.mark.parametrize(
    ("kind", "status"),
    [("invalid", 400), ("forbidden", 403), ("conflict", 409), ("closed", 409), ("throttled", 429)],
)
def test_refusal_kind_gives_the_status_and_the_error_shape(kind, status):
    response = _post(Refusal(MESSAGE, kind=kind))
    assert response.status_code == status
    assert response.data == {"detail": MESSAGE, "errors": {"non_field_errors": [MESSAGE]}}


def test_refusal_without_a_kind_is_a_400():
    assert _post(Refusal(MESSAGE)).status_code == 400


def test_refusal_naming_a_field_lists_the_sentence_under_that_field():
    response = _post(Refusal(MESSAGE, kind="conflict", field="name"))
    assert response.status_code == 409
    assert response.data == {"detail": MESSAGE, "errors": {"name": [MESSAGE]}}


def test_a_subclass_of_refusal_maps_through_the_same_table():
    class StaleBase(Refusal):
        def __init__(self):
            super().__init__(MESSAGE, kind="conflict")

    response = _post(StaleBase())
    assert response.status_code == 409
    assert response.data["errors"] == {"non_field_errors": [MESSAGE]}
