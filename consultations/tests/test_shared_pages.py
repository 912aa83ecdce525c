"""The debate page built from fragments readers of a kind share is the page rendered for them."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consultations import services
from consultations.models import Stance

from .factories import (
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_whole_page_copies(settings):
    # Each request renders: the readers' own copies of whole pages are tested elsewhere.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def consultation():
    return ConsultationFactory()


@pytest.fixture
def recommendation():
    return RecommendationFactory()


@pytest.fixture
def url(consultation, recommendation):
    return reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )


@pytest.fixture
def debate(consultation, recommendation):
    """Comments, replies, a hidden comment and statements by several organisations."""
    people = [MembershipFactory().user for _n in range(4)]
    for number, person in enumerate(people):
        comment = services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body=f"Thread number {number}.",
            by=person,
        )
        services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body=f"A reply to {number}.",
            parent=comment,
            by=people[(number + 1) % 4],
        )
        organisation = person.memberships.get().organisation
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=Stance.OPPOSE if number % 2 else Stance.SUPPORT,
            statement="Not like this." if number % 2 else "",
            by=person,
        )
    return people


def signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def normalised(html: str) -> str:
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1TOKEN", html)
    return re.sub(r'("X-CSRFToken": ")[^"]+', r"\1TOKEN", html)


def shared_and_whole(browser, url) -> tuple[str, str]:
    """The page built from what is in the cache, and the page rendered with nothing cached."""
    shared = browser.get(url).content.decode()
    cache.clear()
    whole = browser.get(url).content.decode()
    return shared, whole


def test_a_reader_gets_from_the_shared_page_exactly_their_own_page(url, debate):
    signed_in(UserFactory()).get(url)  # someone else's visit builds the shared page
    reader = UserFactory(display_name="Zoraida Reader")
    shared, whole = shared_and_whole(signed_in(reader), url)
    assert "Zoraida Reader" in shared
    assert normalised(shared) == normalised(whole)


def test_an_author_sees_their_own_comments_hidden_or_not_as_their_author(
    url, consultation, recommendation, debate
):
    author = debate[0]
    hidden = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Words a moderator will hide.",
        by=author,
    )
    services.comment_hide(comment=hidden, reason="Off topic.", by=ModeratorFactory())
    signed_in(debate[1]).get(url)
    shared, whole = shared_and_whole(signed_in(author), url)
    assert "Only you and the moderators can see it." in shared
    assert "Words a moderator will hide." in shared
    assert ">Edit</a>" in shared
    assert normalised(shared) == normalised(whole)
    # Nobody else sees the hidden words or the author's links.
    other = signed_in(debate[2]).get(url).content.decode()
    assert "Words a moderator will hide." not in other
    assert "Only you and the moderators can see it." not in other


def test_a_representative_sees_their_stance_history_and_co_signing(
    url, consultation, recommendation, debate
):
    representative = debate[3]
    organisation = representative.memberships.get().organisation
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.RESERVATIONS,
        statement="With conditions.",
        by=representative,
    )
    services.follow_set(recommendation=recommendation, by=representative)
    signed_in(UserFactory()).get(url)
    shared, whole = shared_and_whole(signed_in(representative), url)
    assert "History of the stance of" in shared
    assert "Following: stop following" in shared
    assert organisation.name in shared
    assert normalised(shared) == normalised(whole)
    # Another organisation's representative gets none of it.
    stranger = MembershipFactory(organisation=OrganisationFactory(name="Elsewhere Collective"))
    theirs = signed_in(stranger.user).get(url).content.decode()
    assert "History of the stance of" not in theirs
    assert "Following: stop following" not in theirs
    assert "Elsewhere Collective" in theirs


def test_an_unverified_reader_gets_the_banner_and_no_form(url, debate):
    signed_in(debate[0]).get(url)
    reader = UserFactory(verified=False)
    shared, whole = shared_and_whole(signed_in(reader), url)
    assert "verification-banner" in shared
    assert normalised(shared) == normalised(whole)


def test_the_shared_page_follows_the_debate_at_once(url, consultation, recommendation, debate):
    reader = signed_in(UserFactory())
    reader.get(url)
    services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Something new in the debate.",
        by=debate[0],
    )
    assert "Something new in the debate." in reader.get(url).content.decode()


def test_moderators_and_suspended_people_get_their_page_rendered_whole(
    url, consultation, recommendation, debate
):
    signed_in(UserFactory()).get(url)
    moderator = ModeratorFactory()
    page = signed_in(moderator).get(url).content.decode()
    assert "Lock thread" in page
    suspended = UserFactory()
    services.user_suspend(
        consultation=consultation, user=suspended, reason="Insults.", by=moderator
    )
    page = signed_in(suspended).get(url).content.decode()
    assert "You have been suspended" in page


def test_each_reader_gets_a_working_token_of_their_own(url, consultation, recommendation, debate):
    signed_in(UserFactory()).get(url)
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(UserFactory())
    page = reader.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    follow = reverse(
        "consultations:recommendation-follow", args=[consultation.pk, recommendation.slug]
    )
    assert reader.post(follow, {"follow": "1", "csrfmiddlewaretoken": token}).status_code == 302


def test_co_signing_is_offered_on_others_statements_only(url, consultation, debate):
    opposing = {person: person.memberships.get().organisation for person in (debate[1], debate[3])}
    statements = {
        organisation: consultation.endorsements.get(organisation=organisation)
        for organisation in opposing.values()
    }
    signed_in(UserFactory()).get(url)
    for person, organisation in opposing.items():
        page = signed_in(person).get(url).content.decode()
        for other, statement in statements.items():
            offered = f'name="endorsement" value="{statement.pk}"' in page
            assert offered == (other != organisation)
    # A reader who represents no organisation is offered nothing.
    page = signed_in(UserFactory()).get(url).content.decode()
    assert 'name="endorsement"' not in page


def test_a_readers_own_parts_follow_what_they_do_at_once(url, consultation, recommendation, debate):
    person = debate[0]
    organisation = person.memberships.get().organisation
    reader = signed_in(person)
    page = reader.get(url).content.decode()
    assert "Follow this recommendation" in page
    services.follow_set(recommendation=recommendation, by=person)
    assert "Following: stop following" in reader.get(url).content.decode()
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.OPPOSE,
        statement="We changed our minds.",
        by=person,
    )
    page = reader.get(url).content.decode()
    assert "We changed our minds." in page
    assert f"{organisation.name} currently: Oppose." in page


def test_confirming_ones_email_removes_the_banner_at_once(url, debate):
    reader = UserFactory(verified=False)
    browser = signed_in(reader)
    assert "verification-banner" in browser.get(url).content.decode()
    address = reader.emailaddress_set.get()
    address.verified = True
    address.save()
    assert "verification-banner" not in browser.get(url).content.decode()


def test_each_page_of_statements_keeps_its_own_statements_and_address(url, debate, monkeypatch):
    # Two statements a page: the debate's four stances make two pages.
    monkeypatch.setattr(
        "consultations.selectors.endorsement_page.__kwdefaults__",
        {"page_number": 1, "per_page": 2, "cached": False},
    )
    signed_in(UserFactory()).get(url)  # shared fragments, built on the first page of statements
    reader = signed_in(UserFactory())
    pages = {n: reader.get(f"{url}?statements={n}").content.decode() for n in (1, 2)}
    for number, page in pages.items():
        cache.clear()
        whole = reader.get(f"{url}?statements={number}").content.decode()
        assert normalised(page) == normalised(whole)
        # The language switcher brings the reader back to the page they were on.
        assert f'name="next" type="hidden" value="{url}?statements={number}"' in page
    statements = [page.split('id="endorse"')[1] for page in pages.values()]
    assert statements[0] != statements[1]
    assert 'rel="prev"' in statements[1] and 'rel="prev"' not in statements[0]
