"""Two editors, one conflict and a merge; an accepted amendment; two organisations sign."""

import pytest

from positions import services
from positions.models import Amendment, PositionRevision, PositionStatus, Signature

from .factories import (
    BODY,
    PASSWORD,
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


def test_two_editors_merge_then_amendment_and_signatures(page, browser, live_server):
    consultation = ConsultationFactory(title="Manila online consultation")
    lead = OrganisationFactory(name="Migrant Rights Network")
    partner = OrganisationFactory(
        name="Domestic Workers Union", country="KE", region="Eastern Africa"
    )
    alice = MembershipFactory(organisation=lead, user=UserFactory(display_name="Alice")).user
    bruno = MembershipFactory(organisation=partner, user=UserFactory(display_name="Bruno")).user
    chidi = UserFactory(display_name="Chidi")
    position = services.position_create(
        consultation=consultation,
        title="Decent work for domestic workers",
        lead_organisation=lead,
        co_editing_organisations=[partner],
        body=BODY,
        by=alice,
    )
    edit_url = f"/positions/{position.pk}/edit/"

    # Two editors open the same revision in two browser contexts.
    other_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    other_context.set_default_timeout(15_000)
    other = other_context.new_page()
    try:
        log_in(page, alice.email)
        log_in(other, bruno.email)
        page.goto(edit_url)
        other.goto(edit_url)

        page.locator("textarea[name=body]").fill(BODY.replace("remittances", "fair wages"))
        page.get_by_label("What did you change?").fill("Wages first.")
        page.get_by_role("button", name="Save a new revision").click()
        page.wait_for_load_state()
        assert "fair wages" in page.locator(".position-text").inner_text()

        other.locator("textarea[name=body]").fill(BODY + "\n\nA fourth paragraph by Bruno.")
        other.get_by_role("button", name="Save a new revision").click()
        other.get_by_role("heading", name="Someone saved a newer version").wait_for()
        assert other.locator(".diff ins").first.is_visible()
        assert PositionRevision.objects.filter(position=position).count() == 2

        merged = BODY.replace("remittances", "fair wages") + "\n\nA fourth paragraph by Bruno."
        other.get_by_label("Merged text").fill(merged)
        other.get_by_role("button", name="Save the merged text").click()
        other.wait_for_load_state()
        text = other.locator(".position-text").inner_text()
        assert "fair wages" in text and "fourth paragraph by Bruno" in text
        assert PositionRevision.objects.get(position=position, number=3).body == merged
    finally:
        other_context.close()

    # A third participant proposes an amendment; an editor accepts it.
    third_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    third_context.set_default_timeout(15_000)
    third = third_context.new_page()
    try:
        log_in(third, chidi.email)
        third.goto(position.get_absolute_url())
        third.get_by_role("link", name="Propose an amendment to paragraph 3").click()
        third.get_by_label("Proposed text for this paragraph").fill("Third paragraph, sharper.")
        third.get_by_label("Why this change?").fill("It says more with fewer words.")
        third.get_by_role("button", name="Propose the amendment").click()
        third.wait_for_load_state()
    finally:
        third_context.close()
    amendment = Amendment.objects.get()

    page.goto(position.get_absolute_url())
    page.locator("#amendments-heading + ul").get_by_role("link").first.click()
    page.get_by_role("button", name="Accept the amendment").click()
    page.wait_for_load_state()
    assert "Third paragraph, sharper." in page.locator(".position-text").inner_text()
    amendment.refresh_from_db()
    assert amendment.status == "accepted"
    assert PositionRevision.objects.get(position=position, number=4).amendment_id == amendment.pk

    # Open for signature; two organisations sign.
    page.get_by_role("button", name="Mark as: Open for signature").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Sign this position").click()
    page.wait_for_load_state()

    signer_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    signer_context.set_default_timeout(15_000)
    signer = signer_context.new_page()
    try:
        log_in(signer, bruno.email)
        signer.goto(position.get_absolute_url())
        signer.get_by_role("button", name="Sign this position").click()
        signer.wait_for_load_state()
        signatories = signer.locator("#signatories").inner_text()
        assert "Migrant Rights Network" in signatories and "Domestic Workers Union" in signatories
    finally:
        signer_context.close()
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN
    assert set(
        Signature.objects.filter(withdrawn_at__isnull=True).values_list("organisation", flat=True)
    ) == {lead.pk, partner.pk}
