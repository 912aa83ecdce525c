"""A representative debates and takes a stance; a moderator hides a comment."""

import time

import pytest

from consultations.models import Comment, Endorsement

from .factories import (
    PASSWORD,
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


def fresh_totp_code() -> str:
    from accounts.tests.factories import totp_code

    # A code typed in the last seconds of its period may expire before it arrives.
    if time.time() % 30 > 27:
        time.sleep(3)
    return totp_code()


def test_representative_debates_and_moderator_hides(page, browser, live_server):
    consultation = ConsultationFactory(title="Manila online consultation")
    recommendation = RecommendationFactory(title="Lower the cost of remittances")
    organisation = OrganisationFactory(name="Kababayan Overseas Workers")
    representative = MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Maria Santos")
    ).user
    url = f"/consultations/{consultation.pk}/recommendations/{recommendation.slug}/"

    # The representative comments, with HTMX swapping in the new thread.
    log_in(page, representative.email)
    page.goto(url)
    page.get_by_label("Your comment").fill("Fees above **five per cent** hurt families.")
    page.get_by_role("button", name="Post comment").click()
    comment_block = page.locator("article.comment", has_text="hurt families")
    comment_block.wait_for()
    assert comment_block.locator("strong", has_text="five per cent").is_visible()
    assert page.url.endswith(url), "HTMX swapped the thread in without leaving the page"
    comment = Comment.objects.get()

    # A reply, through the reply link.
    comment_block.get_by_role("link", name="Reply").click()
    page.get_by_label("Your reply").fill("And the banks should publish their fees.")
    page.get_by_role("button", name="Post reply").click()
    page.locator(".replies article.comment", has_text="publish their fees").wait_for()
    assert page.url.endswith(url)
    assert Comment.objects.get(parent=comment).root == comment

    # A stance with reservations, which needs a statement, then a change of mind.
    page.get_by_label("Support with reservations").check()
    page.get_by_role("button", name="Record the stance").click()
    page.wait_for_load_state()
    assert page.get_by_text("a statement is required").first.is_visible()
    page.get_by_label("Support with reservations").check()
    page.get_by_label("Statement").fill("Only if informal channels stay legal.")
    page.get_by_role("button", name="Record the stance").click()
    page.wait_for_load_state()
    statements = page.locator("ul.endorsements")
    assert statements.get_by_text("Only if informal channels stay legal.").is_visible()
    assert Endorsement.objects.get().stance == "reservations"
    page.get_by_label("Support", exact=True).check()
    page.get_by_role("button", name="Record the stance").click()
    page.wait_for_load_state()
    assert Endorsement.objects.get().stance == "support"
    assert Endorsement.objects.get().changes.count() == 2

    # A moderator with two-factor authentication hides the comment.
    moderator = ModeratorFactory(email="moderator@example.org")
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    moderator_page = context.new_page()
    log_in(moderator_page, moderator.email)
    moderator_page.fill("input[name=code]", fresh_totp_code())
    moderator_page.get_by_role("button", name="Log in", exact=True).click()
    moderator_page.wait_for_load_state()
    moderator_page.goto(url)
    moderator_page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Hide").click()
    moderator_page.get_by_label("Reason").fill("Please avoid shouting in bold.")
    moderator_page.get_by_role("button", name="Confirm").click()
    moderator_page.wait_for_load_state()
    comment.refresh_from_db()
    assert comment.is_hidden
    context.close()

    # The author still sees the comment, and why it was hidden.
    page.goto(url)
    hidden = page.locator(f"#comment-{comment.pk}")
    assert hidden.get_by_text("Hidden by a moderator.").is_visible()
    assert hidden.get_by_text("Please avoid shouting in bold.").is_visible()
    assert hidden.get_by_text("hurt families").is_visible()


def test_commenting_works_without_javascript(browser, live_server):
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    person = UserFactory()
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, person.email)
    url = f"/consultations/{consultation.pk}/recommendations/{recommendation.slug}/"
    page.goto(url)
    page.get_by_label("Your comment").fill("Posted by a plain form.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    comment = Comment.objects.get()
    assert page.url.endswith(f"#comment-{comment.pk}")
    assert page.get_by_text("Your comment has been posted.").is_visible()
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Reply").click()
    page.get_by_label("Your reply").fill("And a reply without JavaScript.")
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    assert Comment.objects.get(parent=comment).body == "And a reply without JavaScript."
    context.close()


def test_co_signing_works_without_javascript(browser, live_server):
    """Each statement's button submits the reader's one co-signing form (HTML's form attribute)."""
    from consultations import services
    from consultations.models import Stance

    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    author = MembershipFactory(organisation=OrganisationFactory(name="Remittance Watch"))
    statement = services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=author.organisation,
        stance=Stance.OPPOSE,
        statement="Not without a fee cap.",
        by=author.user,
    )
    reader = UserFactory()
    first = MembershipFactory(user=reader, organisation=OrganisationFactory(name="Diaspora Link"))
    second = MembershipFactory(user=reader, organisation=OrganisationFactory(name="Union Abroad"))
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, reader.email)
    page.goto(f"/consultations/{consultation.pk}/recommendations/{recommendation.slug}/")
    page.get_by_label("Co-sign as").select_option(label=second.organisation.name)
    page.get_by_role("button", name="Co-sign this statement").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your organisation has co-signed this statement.").is_visible()
    cosigned = Endorsement.objects.get(organisation=second.organisation)
    assert cosigned.cosigned == statement and cosigned.stance == Stance.OPPOSE
    assert not Endorsement.objects.filter(organisation=first.organisation).exists()
    context.close()


def test_debate_columns_fit_a_320_px_screen(browser, live_server):
    """On a narrow screen the debate's columns stack within the screen, whatever the tally holds."""
    from consultations import services
    from consultations.models import Stance

    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    representative = MembershipFactory(
        organisation=OrganisationFactory(name="Government delegation of a long-named country")
    ).user
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=representative.memberships.get().organisation,
        stance=Stance.RESERVATIONS,
        statement="With reservations about enforcement.",
        by=representative,
    )
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 320, "height": 800}
    )
    page = context.new_page()
    log_in(page, representative.email)
    page.goto(f"/consultations/{consultation.pk}/recommendations/{recommendation.slug}/")
    page.get_by_text("By kind of organisation and by region").click()
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.two-col > *')]"
        ".map(column => column.getBoundingClientRect().right))"
    )
    assert right <= 320
    context.close()
