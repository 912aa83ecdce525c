"""The import service's theme handling and the moderators' theme edits."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from core.errors import Refusal
from recommendations import services
from recommendations.importer import parse_report
from recommendations.models import Recommendation, Theme

pytestmark = pytest.mark.django_db


def theme_slugs(recommendation):
    return set(recommendation.themes.values_list("slug", flat=True))


def test_import_tags_recommendations_by_the_rules(imported):
    assert theme_slugs(Recommendation.objects.get(citation="S2.R6")) == {"gender-dimension"}
    assert "rights-based-approach" in theme_slugs(Recommendation.objects.get(citation="S3.R3"))
    assert "consulting-stakeholders" in theme_slugs(Recommendation.objects.get(citation="S7.R2"))
    assert "multi-stakeholder-partnerships" in theme_slugs(
        Recommendation.objects.get(citation="S5.R8")
    )
    assert "migrant-voices" in theme_slugs(Recommendation.objects.get(citation="S7.R3"))
    assert Theme.objects.get(slug="gender-dimension").recommendations.count() >= 5


def test_moderator_edit_survives_a_re_import(imported):
    moderator = UserFactory(is_moderator=True)
    rec = Recommendation.objects.get(citation="S2.R6")
    services.recommendation_themes_set(
        recommendation=rec,
        themes=Theme.objects.filter(slug__in=["migrant-voices", "rights-based-approach"]),
        by=moderator,
    )
    rec.refresh_from_db()
    assert rec.themes_curated
    out = StringIO()
    call_command("import_report", stdout=out)
    assert "Nothing changed" in out.getvalue()
    assert theme_slugs(rec) == {"migrant-voices", "rights-based-approach"}


def test_uncurated_tags_follow_the_rules_on_re_import(imported):
    rec = Recommendation.objects.get(citation="S2.R6")
    rec.themes.clear()
    out = StringIO()
    call_command("import_report", stdout=out)
    assert "theme tags: 1 created, 0 updated, 71 unchanged" in out.getvalue()
    assert theme_slugs(rec) == {"gender-dimension"}


def test_reset_hands_the_themes_back_to_the_rules(imported):
    moderator = UserFactory(is_moderator=True)
    rec = Recommendation.objects.get(citation="S2.R6")
    services.recommendation_themes_set(recommendation=rec, themes=[], by=moderator)
    assert theme_slugs(rec) == set()
    services.recommendation_themes_reset(recommendation=rec, by=moderator)
    rec.refresh_from_db()
    assert not rec.themes_curated
    assert theme_slugs(rec) == {"gender-dimension"}


@pytest.mark.parametrize("action", ["set", "reset"])
def test_only_moderators_change_themes(imported, action):
    rec = Recommendation.objects.get(citation="S2.R6")
    person = UserFactory()
    with pytest.raises(Refusal) as error:
        if action == "set":
            services.recommendation_themes_set(recommendation=rec, themes=[], by=person)
        else:
            services.recommendation_themes_reset(recommendation=rec, by=person)
    assert str(error.value.message).endswith(".")
    assert theme_slugs(rec) == {"gender-dimension"}


def test_only_moderators_import(report_text):
    with pytest.raises(Refusal):
        services.report_import(parsed=parse_report(report_text), by=UserFactory())
    assert Recommendation.objects.count() == 0


def test_moderator_may_import(report_text):
    summary = services.report_import(
        parsed=parse_report(report_text), by=UserFactory(is_moderator=True)
    )
    assert summary.count("recommendations", services.CREATED) == 72
    assert summary.changed


def test_recommendations_missing_from_the_file_are_kept_and_reported(imported, report_text):
    parsed = parse_report(report_text)
    parsed.sessions[7].recommendations.pop()
    summary = services.report_import(parsed=parsed, by=None)
    assert Recommendation.objects.filter(citation="S8.R7").exists()
    assert summary.missing == [str(Recommendation.objects.get(citation="S8.R7"))]
    assert any("no longer in the file" in line for line in summary.lines())


def test_theme_counts_match_the_documented_figures(imported):
    # docs/recommendations.md quotes these figures; change both together.
    counts = {
        theme.slug: theme.recommendations.count() for theme in Theme.objects.order_by("order")
    }
    assert counts == {
        "rights-based-approach": 12,
        "consulting-stakeholders": 15,
        "migrant-voices": 10,
        "multi-stakeholder-partnerships": 17,
        "gender-dimension": 9,
    }
    assert Recommendation.objects.filter(themes__isnull=True).count() == 28
