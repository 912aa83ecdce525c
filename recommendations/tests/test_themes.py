"""The keyword rules that tag recommendations with common themes."""

from recommendations.themes import THEME_KEYWORDS, THRESHOLD, TITLE_WEIGHT, theme_slugs_for


def test_every_common_theme_of_the_report_has_rules():
    assert set(THEME_KEYWORDS) == {
        "rights-based-approach",
        "consulting-stakeholders",
        "migrant-voices",
        "multi-stakeholder-partnerships",
        "gender-dimension",
    }


def test_a_keyword_in_the_title_is_enough():
    assert TITLE_WEIGHT >= THRESHOLD
    assert theme_slugs_for(title="Women in migration", body="Nothing else.") == {"gender-dimension"}


def test_a_single_mention_in_the_body_is_not_enough():
    assert theme_slugs_for(title="Skills", body="Some women work abroad.") == set()


def test_repeated_mentions_in_body_and_examples_count():
    slugs = theme_slugs_for(
        title="Skills",
        body="Women migrants. Gender analysis.",
        examples=["*A programme for female workers.*"],
    )
    assert slugs == {"gender-dimension"}


def test_matching_is_on_whole_words_and_case_insensitive():
    assert theme_slugs_for(title="Ilona", body="ilo ILO Ilo") == {"rights-based-approach"}
    assert theme_slugs_for(title="Womenfolk", body="") == set()
