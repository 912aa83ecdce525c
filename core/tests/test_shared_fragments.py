"""{% shared %}: one rendering per audience, language and version, and none for a falsy audience."""

import pytest
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from core.page_cache import block, bump, read_blocks
from core.templatetags import shared_fragments

TEMPLATE = Template(
    "{% load shared_fragments %}{% shared blocks.sample %}{{ counter.next }}{% endshared %}"
)


class Counter:
    def __init__(self):
        self.value = 0

    def next(self):
        self.value += 1
        return self.value


def render(counter, audience="role:reader", thing=1, versions=("sample:1",)):
    blocks = read_blocks(sample=block("sample", thing, audience=audience, depends_on=versions))
    return TEMPLATE.render(Context({"counter": counter, "blocks": blocks}))


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


def test_the_blocks_of_a_page_are_read_in_one_round_trip(monkeypatch):
    counter = Counter()
    render(counter, thing=1)
    render(counter, thing=2)
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    monkeypatch.setattr(
        shared_fragments, "cached", lambda *args: pytest.fail("a block read on its own")
    )
    blocks = read_blocks(
        one=block("sample", 1, audience="role:reader", depends_on=["sample:1"]),
        two=block("sample", 2, audience="role:reader", depends_on=["sample:1"]),
    )
    page = Template(
        "{% load shared_fragments %}{% shared blocks.one %}{{ counter.next }}{% endshared %}"
        "-{% shared blocks.two %}{{ counter.next }}{% endshared %}"
    )
    assert page.render(Context({"counter": counter, "blocks": blocks})) == "1-2"
    assert len(reads[-1]) == 2 and counter.value == 2


@pytest.mark.parametrize(
    "source",
    [
        "{% shared %}{% endshared %}",
        '{% shared "x" 1 audience="anyone" %}{% endshared %}',
    ],
)
def test_a_shared_block_is_one_block_declared_by_the_view(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load shared_fragments %}" + source)


@pytest.mark.parametrize(
    "value",
    ["tally", block("sample", 1, audience="role:reader", depends_on=["sample:1"])],
)
def test_a_block_the_view_did_not_read_is_refused(value):
    with pytest.raises(TemplateSyntaxError):
        TEMPLATE.render(Context({"counter": Counter(), "blocks": {"sample": value}}))


FORM = Template(
    "{% load shared_fragments %}{% shared blocks.form %}"
    '<form method="post">{% csrf_token %}<p>{{ counter.next }}</p></form>'
    '<form method="post">{% csrf_token %}</form>{% endshared %}'
)


def render_form(counter, versions, **context):
    blocks = read_blocks(form=block("form", 1, audience="role:writer", depends_on=versions))
    return FORM.render(Context({"counter": counter, "blocks": blocks, **context}))


def test_a_shared_form_carries_each_visitors_own_token():
    counter = Counter()
    first = render_form(counter, ["f:1"], csrf_token="a" * 64)
    second = render_form(counter, ["f:1"], csrf_token="b" * 64)
    assert first.count("a" * 64) == 2 and "b" * 64 not in first
    assert second.count("b" * 64) == 2 and "a" * 64 not in second
    # Rendered once: the second visitor got the same block with their own token.
    assert "<p>1</p>" in second and counter.value == 1


def test_a_shared_block_without_a_token_in_its_context_renders_as_it_is():
    counter = Counter()
    html = render_form(counter, ["f:2"])
    assert "csrfmiddlewaretoken" not in html and "<p>1</p>" in html
