import email
import re
from email import policy
from pathlib import Path

import pytest

from accounts.models import Organisation, VerificationStatus

from .factories import PASSWORD, ModeratorFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_mails(directory) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(Path(directory).glob("*.eml"))
    ]


def test_sign_up_verify_register_and_a_moderator_with_mfa_verifies(
    page, browser, live_server, settings
):
    settings.EMAIL_BACKEND = "core.mail.EmlFileBackend"

    # Sign up.
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "amina@example.org")
    page.fill("input[name=password1]", "a long and unusual passphrase")
    page.fill("input[name=password2]", "a long and unusual passphrase")
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("Confirm your email address").first.is_visible()

    # Open the verification email from the mail directory and confirm.
    (message,) = read_mails(settings.EMAIL_FILE_PATH)
    assert message["To"] == "amina@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_load_state()

    # Register an organisation and see it pending.
    page.goto("/organisations/register/")
    page.fill("input[name=name]", "Red de Migrantes de Oaxaca")
    page.select_option("select[name=kind]", "diaspora")
    page.select_option("select[name=country]", "MX")
    page.fill("input[name=website]", "https://redmigrantes.example.org")
    page.fill("textarea[name=description]", "Migrant families from Oaxaca.")
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Red de Migrantes de Oaxaca"
    assert page.get_by_text("Pending verification").is_visible()
    organisation = Organisation.objects.get()
    assert organisation.status == VerificationStatus.PENDING

    # A moderator logs in with a code from the authenticator app and verifies it.
    moderator = ModeratorFactory(email="moderator@example.org")
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    moderator_page = context.new_page()
    moderator_page.goto("/accounts/login/")
    moderator_page.fill("input[name=login]", moderator.email)
    moderator_page.fill("input[name=password]", PASSWORD)
    moderator_page.get_by_role("button", name="Log in", exact=True).click()
    moderator_page.wait_for_load_state()
    moderator_page.fill("input[name=code]", totp_code())
    moderator_page.get_by_role("button", name="Log in", exact=True).click()
    moderator_page.wait_for_load_state()
    moderator_page.goto("/moderation/organisations/")
    card = moderator_page.locator("article", has_text="Red de Migrantes de Oaxaca")
    assert card.get_by_text("example.org").first.is_visible()
    card.get_by_label("Verify").check()
    card.get_by_role("button", name="Record the decision").click()
    moderator_page.wait_for_load_state()
    assert moderator_page.get_by_text("The organisation has been verified.").is_visible()
    context.close()
    organisation.refresh_from_db()
    assert organisation.status == VerificationStatus.VERIFIED

    # The requester is told, and the organisation is in the directory.
    subjects = [mail["Subject"] for mail in read_mails(settings.EMAIL_FILE_PATH)]
    assert any("has been verified" in subject for subject in subjects)
    page.goto("/organisations/")
    assert page.get_by_role("link", name="Red de Migrantes de Oaxaca").is_visible()
