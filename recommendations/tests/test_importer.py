"""The parser and the import_report command, on the real report and on broken files."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommendations.importer import ReportFormatError, make_slug, parse_report, tokenize
from recommendations.models import Example, Recommendation, Report, Session, Theme

EXPECTED = Path(__file__).parent / "expected"

SESSION_TITLES = [
    "Highly skilled migration",
    "Temporary labour migration",
    "Circular migration",
    "Remittances",
    "Diaspora organisations",
    "The migration and development nexus",
    "Policy coherence",
    "Looking ahead",
]
RECOMMENDATIONS_PER_SESSION = [10, 11, 8, 10, 8, 9, 9, 7]
EXAMPLES_PER_SESSION = [8, 7, 3, 12, 10, 0, 4, 2]
EXAMPLE_COUNT = 46


def expected_body(citation: str) -> str:
    return (EXPECTED / f"{citation}.body.md").read_text(encoding="utf-8").rstrip("\n")


@pytest.fixture
def parsed(report_text):
    return parse_report(report_text)


def find(parsed, citation):
    for session in parsed.sessions:
        for recommendation in session.recommendations:
            if recommendation.citation(session.number) == citation:
                return recommendation
    raise AssertionError(f"{citation} not parsed")


# The parser, on the real report.


def test_report_metadata(parsed):
    assert parsed.title == (
        "The Civil Society Day of the Global Forum on Migration and Development: End Report"
    )
    assert parsed.publisher == "King Baudouin Foundation"
    assert parsed.year == 2007
    assert parsed.publication_date == datetime.date(2008, 1, 1)
    assert parsed.isbn == "978-90-5130-601-9"
    assert len(parsed.source_sha256) == 64


def test_eight_sessions_with_their_titles_and_counts(parsed):
    assert [session.number for session in parsed.sessions] == list(range(1, 9))
    assert [session.title for session in parsed.sessions] == SESSION_TITLES
    assert [len(s.recommendations) for s in parsed.sessions] == RECOMMENDATIONS_PER_SESSION
    assert parsed.recommendation_count == 72
    assert [
        sum(len(rec.examples) for rec in session.recommendations) for session in parsed.sessions
    ] == EXAMPLES_PER_SESSION
    assert parsed.example_count == EXAMPLE_COUNT


def test_recommendations_numbered_from_one_in_each_session(parsed):
    for session in parsed.sessions:
        numbers = [rec.number for rec in session.recommendations]
        assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(
    ("citation", "title"),
    [
        ("S1.R1", "General principles underpinning migration"),
        ("S2.R11", "The role of recruitment agencies"),
        ("S4.R2", "Access to services and reducing costs"),
        ("S5.R6", "Creating the conditions for successful engagement with diaspora/ migrant "
                  "organisations."),
        ("S7.R4", "Civil society discussion/capacity-building/partnership"),
        ("S8.R5", "A civil society portal on migration and development"),
        ("S8.R7", "Development partnerships and strategies should address push factors and "
                  "root causes"),
    ],
)  # fmt: skip
def test_titles(parsed, citation, title):
    assert find(parsed, citation).title == title


@pytest.mark.parametrize(
    "citation",
    [
        "S4.R4",  # a paragraph split by a page break
        "S7.R4",  # another page break, inside a paragraph followed by an example
        "S8.R1",  # a bulleted list
        "S6.R7",  # emphasis: *en masse*
        "S3.R5",  # a list, paragraphs around it and an example taken out
        "S1.R2",  # ends on "include:" before its example
        "S6.R3",  # a list ending the body
    ],
)
def test_full_bodies_verbatim(parsed, citation):
    assert find(parsed, citation).body == expected_body(citation)


def test_paragraph_split_by_page_break_is_joined(parsed):
    body = find(parsed, "S4.R4").body
    assert "into commercial farming and encouraging a favourable investment environment" in body
    assert "commercial farming\n" not in body
    assert "deliberately excluded from major bilateral and multilateral discussions" in (
        find(parsed, "S7.R4").body
    )


def test_example_split_by_page_break_is_joined_inside_its_emphasis(parsed):
    (example,) = find(parsed, "S4.R6").examples
    assert example.startswith("*The Jamaica National Building Society (JNBS)")
    assert "50% of remittance recipients have been brought into the formal banking system" in (
        example
    )
    assert example.endswith("small businesses that accept debit cards.*")
    assert example.count("*") == 2
    assert "recipients have been brought" not in find(parsed, "S4.R6").body


def test_lists_stay_lists(parsed):
    body = find(parsed, "S3.R5").body
    assert "including:\n\n- Labour market opportunities" in body
    assert "\n- A favourable investment environment;\n- Targeted government" in body
    # Items separated by blank lines in the text still make one list.
    challenges = parsed.sessions[7].policy_challenges
    assert challenges.endswith(
        "include:\n\n- What partnerships and strategies are required for the various "
        "stakeholders involved in migration and development processes to work effectively "
        "together and in conjunction with the Global Forum on Migration and Development?\n"
        "- How can CSOs and the private sector contribute most effectively to improving "
        "migration and development outcomes?"
    )


def test_emphasis_stays_emphasis(parsed):
    assert "The *de facto* acceptance of large-scale irregular migration" in (
        find(parsed, "S7.R8").body
    )
    assert "until it occurs *en masse* due to imbalances" in find(parsed, "S6.R7").body


def test_escaped_characters_are_unescaped(parsed):
    assert "US$4 trillion of business each year" in parsed.sessions[7].background
    assert "an estimated US$ 206 billion" in parsed.sessions[3].background
    for session in parsed.sessions:
        assert "\\" not in session.background + session.policy_challenges + session.summary
        for rec in session.recommendations:
            assert "\\" not in rec.body + "".join(rec.examples)


def test_examples_are_attached_to_the_recommendation_they_stand_under(parsed):
    assert find(parsed, "S1.R2").examples == [
        "*the South Africa-UK Memorandum of Understanding on the Reciprocal Educational "
        "Exchange of Healthcare Concepts and Personnel of October 2003 creates a structure for "
        "the reciprocal exchange of skills and knowledge, and facilitates the recognition of "
        "qualifications of South African health professionals. Under a hospital twinning "
        "programme, managers share experiences and best practices.*"
    ]
    assert [example[:40] for example in find(parsed, "S4.R7").examples] == [
        "*the International Network of Micro Fina",
        "*In Paraguay, microfinance El Comercio b",
        "*in highly migrant areas in Mexico where",  # written "Example, *in ..." in the text
    ]
    assert find(parsed, "S8.R2").examples[0].startswith("*The Intergovernmental Panel on")
    assert find(parsed, "S8.R6").examples[0].startswith("*The Joint Facilitation Committee")
    assert find(parsed, "S6.R7").examples == []


def test_example_labels_in_bold_italics_are_removed(parsed):
    (example,) = find(parsed, "S1.R5").examples
    assert example == (
        "*Kenya is facing a shortage of 5,000 nurses in public facilities, but 6,000 nurses are "
        "either unemployed or working outside the health sector because of a freeze on "
        "recruitment.*"
    )
    assert "Example" not in example


def test_example_without_emphasis_is_kept_as_written(parsed):
    examples = find(parsed, "S5.R6").examples
    assert examples == [examples[0]]
    assert examples[0].startswith("Formed in 1986 in Marseilles, south of France")


def test_no_example_label_left_in_any_body(parsed):
    for session in parsed.sessions:
        for rec in session.recommendations:
            assert "Example:" not in rec.body
            assert "Example," not in rec.body


def test_session_summaries_from_the_executive_summary(parsed):
    first = parsed.sessions[0].summary
    assert first.startswith("The central question is how to create win-win-win situations")
    assert first.endswith("regarding the highly-skilled.")
    assert first.count("\n\n") == 1
    assert parsed.sessions[7].summary.startswith("A variety of mechanisms can promote")


def test_common_themes_with_descriptions(parsed):
    assert [(theme.slug, theme.name) for theme in parsed.themes] == [
        ("rights-based-approach", "A rights-based approach"),
        ("consulting-stakeholders", "Consulting stakeholders"),
        ("migrant-voices", "Migrant voices"),
        ("multi-stakeholder-partnerships", "Multi-stakeholder partnerships"),
        ("gender-dimension", "The gender dimension"),
    ]
    assert parsed.themes[2].description.startswith("Linked to the discussion on stakeholder")
    assert parsed.themes[4].description.endswith("including the effects on transnational families.")


def test_slugs_and_citations(parsed):
    session = parsed.sessions[3]
    rec = session.recommendations[1]
    assert rec.citation(session.number) == "S4.R2"
    assert rec.slug(session.number) == "s4-r2-access-to-services-and-reducing-costs"
    assert session.slug == "s4-remittances"
    assert find(parsed, "S7.R4").slug(7) == (
        "s7-r4-civil-society-discussion-capacity-building-partnership"
    )


def test_long_slugs_are_cut_at_a_word_boundary():
    slug = make_slug("s1-r1", "word " * 60)
    assert len(slug) <= 100
    assert slug.endswith("-word")


def test_chapter_breaks_are_three_blank_lines():
    blocks = tokenize("a\n\nb\n\n\n\nc\n \n\nd")
    assert [block.lines for block in blocks] == [("a",), ("b",), (), ("c",), ("d",)]


# Files the parser must refuse, saying what it expected and where.


def test_truncated_file_is_refused_with_the_line(report_text):
    truncated = "\n".join(report_text.splitlines()[:600])
    with pytest.raises(ReportFormatError) as error:
        parse_report(truncated)
    assert error.value.line == 600
    assert 'expected the heading "Session 4"' in str(error.value)
    assert "the file ends here" in str(error.value)


def test_file_cut_inside_the_last_session_is_refused(report_text):
    truncated = "\n".join(report_text.splitlines()[:1150])
    with pytest.raises(ReportFormatError, match="the end of Session 8"):
        parse_report(truncated)


def test_foreign_file_is_refused():
    with pytest.raises(ReportFormatError, match='expected a chapter headed "Executive summary"'):
        parse_report("# A README\n\nSome other text.\n")


def test_empty_file_is_refused():
    with pytest.raises(ReportFormatError, match="the file is empty"):
        parse_report("\n\n")


def test_missing_recommendation_number_is_refused(report_text):
    broken = report_text.replace("\n3. Migration management\n", "\n4. Migration management\n")
    with pytest.raises(ReportFormatError) as error:
        parse_report(broken)
    assert 'expected recommendation 3 ("3. <title>")' in str(error.value)
    assert error.value.line == 419


def test_missing_section_heading_is_refused(report_text):
    broken = report_text.replace("Session 5\n\nDiaspora organisations\n\nBackground", "Session 5")
    with pytest.raises(ReportFormatError) as error:
        parse_report(broken)
    assert "the title of session 5" in str(error.value) or "Background" in str(error.value)
    assert error.value.line is not None


# The command.


@pytest.mark.django_db
def test_command_imports_everything(imported):
    assert Report.objects.count() == 1
    assert Session.objects.count() == 8
    assert Recommendation.objects.count() == 72
    assert Example.objects.count() == EXAMPLE_COUNT
    assert Theme.objects.count() == 5
    assert "recommendations: 72 created, 0 updated, 0 unchanged" in imported
    assert f"examples: {EXAMPLE_COUNT} created" in imported


@pytest.mark.django_db
def test_imported_rows_hold_the_parsed_text(imported):
    rec = Recommendation.objects.get(citation="S4.R4")
    assert rec.body == expected_body("S4.R4")
    assert rec.slug == "s4-r4-using-remittance-funds-for-development"
    assert rec.session.number == 4
    assert list(rec.examples.values_list("order", flat=True)) == [1]
    assert rec.examples.get().body.startswith("*In the U.K. one African Diaspora Organisation")
    jamaica = Example.objects.get(body__contains="Jamaica National Building Society")
    assert jamaica.recommendation.citation == "S4.R6"
    assert Recommendation.objects.get(citation="S8.R5").get_absolute_url() == (
        "/recommendations/s8-r5-a-civil-society-portal-on-migration-and-development/"
    )


@pytest.mark.django_db
def test_second_run_is_a_no_op(imported):
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Report, Session, Theme, Recommendation, Example)
    }
    tags_before = list(Recommendation.themes.through.objects.order_by("pk").values())
    out = StringIO()
    call_command("import_report", stdout=out)
    output = out.getvalue()
    assert "Nothing changed" in output
    assert "recommendations: 0 created, 0 updated, 72 unchanged" in output
    assert f"examples: 0 created, 0 updated, {EXAMPLE_COUNT} unchanged" in output
    for model, rows in before.items():
        assert list(model.objects.order_by("pk").values()) == rows, model
    assert list(Recommendation.themes.through.objects.order_by("pk").values()) == tags_before


@pytest.mark.django_db
def test_changed_text_updates_in_place_keeping_ids_and_slugs(imported, report_text, tmp_path):
    rec = Recommendation.objects.get(citation="S4.R2")
    edited = tmp_path / "edited.txt"
    edited.write_text(
        report_text.replace(
            "4. Using remittance funds for development", "4. Using remittances"
        ).replace("High costs remain a concern", "High costs remain a serious concern"),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_report", str(edited), stdout=out)
    assert "recommendations: 0 created, 2 updated, 70 unchanged" in out.getvalue()
    rec.refresh_from_db()
    assert "High costs remain a serious concern" in rec.body
    assert rec.updated_at > rec.created_at
    renamed = Recommendation.objects.get(citation="S4.R4")
    assert renamed.title == "Using remittances"
    assert renamed.slug == "s4-r4-using-remittance-funds-for-development"
    assert Recommendation.objects.count() == 72


@pytest.mark.django_db
def test_examples_no_longer_in_the_file_are_removed(imported, report_text, tmp_path):
    edited = tmp_path / "edited.txt"
    edited.write_text(
        report_text.replace(
            "\nExample: *In Hong Kong, domestic workers are protected under labour law, and have "
            "the right to organise and unionize.*\n",
            "\n",
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_report", str(edited), stdout=out)
    assert "examples: 0 created, 0 updated, 45 unchanged, 1 deleted" in out.getvalue()
    assert Recommendation.objects.get(citation="S2.R7").examples.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("lines", "last_text_line"), [(600, 600), (1150, 1149)])
def test_truncated_file_writes_nothing(report_text, tmp_path, lines, last_text_line):
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("\n".join(report_text.splitlines()[:lines]), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_report", str(truncated), stdout=StringIO())
    assert f"line {last_text_line}: expected" in str(error.value)
    assert f"the file ends here (after line {last_text_line})" in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert Report.objects.count() == Session.objects.count() == 0
    assert Recommendation.objects.count() == Example.objects.count() == Theme.objects.count() == 0


@pytest.mark.django_db
def test_foreign_file_writes_nothing_and_keeps_an_earlier_import(imported, tmp_path):
    foreign = tmp_path / "foreign.txt"
    foreign.write_text("Minutes of the meeting\n\nItem 1. Apologies.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="is not the report in the expected format: line 1"):
        call_command("import_report", str(foreign), stdout=StringIO())
    assert Recommendation.objects.count() == 72


@pytest.mark.django_db
def test_missing_or_binary_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_report", str(tmp_path / "missing.txt"))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_report", str(binary))
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_bootstrap_imports_on_a_fresh_database_then_does_nothing(monkeypatch):
    # Only this app's command: other apps' bootstrap steps have their own tests.
    monkeypatch.setattr(
        "portal.management.commands.bootstrap.get_commands",
        lambda: {"import_report": "recommendations"},
    )
    call_command("bootstrap", stdout=StringIO())
    assert Recommendation.objects.count() == 72
    ids = list(Recommendation.objects.order_by("pk").values_list("pk", "slug", "updated_at"))
    out = StringIO()
    call_command("bootstrap", stdout=out)
    assert (
        list(Recommendation.objects.order_by("pk").values_list("pk", "slug", "updated_at")) == ids
    )
