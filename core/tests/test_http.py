"""The form view helper: a refusal stays on the form, success confirms and redirects."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from core import http
from core.errors import Refusal as Refused


class NameForm(forms.Form):
    name = forms.CharField()


def _call(monkeypatch, method, data=None, action=None, **options):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request._messages = CookieStorage(request)
    rendered = {}

    def render(request, template, context):
        rendered.update(context, template=template)
        return "rendered"

    monkeypatch.setattr(http, "render", render)
    response = http.form_view(
        request,
        NameForm(http.post_data(request)),
        action=action or (lambda data: None),
        success_message="Saved.",
        template="page.html",
        context={"extra": 1},
        **options,
    )
    return request, response, rendered


def test_a_get_renders_the_form_with_the_context(monkeypatch):
    _request, response, rendered = _call(monkeypatch, "get")
    assert response == "rendered"
    assert rendered["template"] == "page.html" and rendered["extra"] == 1
    assert not rendered["form"].is_bound


def test_a_refusal_is_shown_on_its_field_or_on_the_form(monkeypatch):
    def refuse_name(data):
        raise Refused("Taken.", field="name")

    _request, _response, rendered = _call(monkeypatch, "post", {"name": "x"}, refuse_name)
    assert rendered["form"].errors == {"name": ["Taken."]}

    def refuse_elsewhere(data):
        raise Refused("No.", field="unknown")

    _request, _response, rendered = _call(monkeypatch, "post", {"name": "x"}, refuse_elsewhere)
    assert rendered["form"].non_field_errors() == ["No."]


def test_success_confirms_and_redirects_to_the_url_or_the_result(monkeypatch):
    request, response, _rendered = _call(
        monkeypatch, "post", {"name": "x"}, lambda data: "/made/", success_url="/given/"
    )
    assert response.status_code == 302 and response["Location"] == "/given/"
    assert [str(m) for m in get_messages(request)] == ["Saved."]
    _request, response, _rendered = _call(monkeypatch, "post", {"name": "x"}, lambda data: "/made/")
    assert response["Location"] == "/made/"
