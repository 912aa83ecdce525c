"""A page that catches a Refusal shows its sentence to the person on the next page."""

import pytest
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path

from core.errors import Refusal

MESSAGE = "This consultation is closed; its contributions remain readable."


def refused(request, kind):
    try:
        raise Refusal(MESSAGE, kind=kind)
    except Refusal as error:
        messages.error(request, error.message)
    return redirect("/")


urlpatterns = [
    path("refused/<str:kind>/", refused),
    path("", include(settings.ROOT_URLCONF)),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("kind", ["invalid", "forbidden", "conflict", "closed", "throttled"])
def test_page_shows_the_refusal_sentence_whatever_its_kind(client, kind):
    response = client.post(f"/refused/{kind}/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
