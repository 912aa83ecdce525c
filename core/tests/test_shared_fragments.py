"""{% shared %}: one rendering per audience, language and version, and none for a falsy audience."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from core.page_cache import bump

TEMPLATE = Template(
    "{% load shared_fragments %}"
    '{% shared "sample" thing audience=audience depends_on=versions %}'
    "{{ counter.next }}{% endshared %}"
)


class Counter:
    def __init__(self):
        self.value = 0

    def next(self):
        self.value += 1
        return self.value


def render(counter, audience="role:reader", thing=1, versions=("sample:1",)):
    context = {"counter": counter, "audience": audience, "thing": thing, "versions": versions}
    return TEMPLATE.render(Context(context))


def test_a_shared_block_is_rendered_once_for_its_audience():
    counter = Counter()
    assert render(counter) == "1"
    assert render(counter) == "1"
    assert render(counter, audience="role:writer") == "2"
    assert render(counter, thing=2) == "3"


def test_a_falsy_audience_renders_afresh_every_time():
    counter = Counter()
    assert render(counter, audience=None) == "1"
    assert render(counter, audience=None) == "2"


@pytest.mark.django_db
def test_a_bumped_version_or_another_language_renders_again():
    counter = Counter()
    assert render(counter) == "1"
    bump("sample:1")
    assert render(counter) == "2"
    with translation.override("fr"):
        assert render(counter) == "3"


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError):
        render(Counter(), audience="everyone")


@pytest.mark.parametrize(
    "source",
    [
        '{% shared "x" %}{% endshared %}',
        '{% shared "x" 1 audience="anyone" %}{% endshared %}',
        '{% shared "x" 1 depends_on=v %}{% endshared %}',
    ],
)
def test_a_shared_block_needs_its_audience_and_versions(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load shared_fragments %}" + source)


FORM = Template(
    "{% load shared_fragments %}"
    '{% shared "form" 1 audience="role:writer" depends_on=versions %}'
    '<form method="post">{% csrf_token %}<p>{{ counter.next }}</p></form>'
    '<form method="post">{% csrf_token %}</form>{% endshared %}'
)


def test_a_shared_form_carries_each_visitors_own_token():
    counter = Counter()
    first = FORM.render(Context({"counter": counter, "versions": ["f:1"], "csrf_token": "a" * 64}))
    second = FORM.render(Context({"counter": counter, "versions": ["f:1"], "csrf_token": "b" * 64}))
    assert first.count("a" * 64) == 2 and "b" * 64 not in first
    assert second.count("b" * 64) == 2 and "a" * 64 not in second
    # Rendered once: the second visitor got the same block with their own token.
    assert "<p>1</p>" in second and counter.value == 1


def test_a_shared_block_without_a_token_in_its_context_renders_as_it_is():
    counter = Counter()
    html = FORM.render(Context({"counter": counter, "versions": ["f:2"]}))
    assert "csrfmiddlewaretoken" not in html and "<p>1</p>" in html
