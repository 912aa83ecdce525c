import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_loads_and_switching_to_french_changes_the_interface(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == (
        "A civil society portal on migration and development"
    )
    page.select_option("#language", "fr")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == (
        "Un portail de la société civile sur la migration et le développement"
    )
    assert page.get_by_role("link", name="Accueil").is_visible()
