from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import mfa_enable
from activity.models import ModerationAction
from consultations import selectors, services
from consultations.models import (
    Comment,
    Consultation,
    Endorsement,
    RecommendationStats,
    Stance,
    Synthesis,
)

from .factories import (
    CommentFactory,
    ConsultationFactory,
    ForumFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def with_mfa(user):
    """Give a user a TOTP authenticator, as moderation pages require."""
    if not Authenticator.objects.filter(user=user).exists():
        mfa_enable(user)
    return user


def detail_url(consultation, recommendation):
    return reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )


def comment_url(consultation, recommendation):
    return reverse("consultations:comment-create", args=[consultation.pk, recommendation.slug])


# --- list and consultation page -----------------------------------------------------


def test_consultation_list_groups_by_status(client, django_assert_max_num_queries):
    now = timezone.now()
    ConsultationFactory(title="Open one")
    ConsultationFactory(
        title="Past one", opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30)
    )
    for _n in range(30):
        ConsultationFactory()
    with django_assert_max_num_queries(3):
        response = client.get(reverse("consultations:consultation-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Open one" in content and "Past one" in content


def test_nav_links_to_consultations(client):
    response = client.get("/")
    assert reverse("consultations:consultation-list") in response.content.decode()


def test_consultation_page_shows_figures_and_counters(
    client, consultation, representative, organisation, django_assert_max_num_queries
):
    recommendations = [RecommendationFactory() for _n in range(30)]
    for recommendation in recommendations[:5]:
        services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body="Yes.",
            organisation=organisation,
            by=representative,
        )
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=Stance.SUPPORT,
            by=representative,
        )
    with django_assert_max_num_queries(9):
        response = client.get(consultation.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Time left" in content
    for recommendation in recommendations:
        assert recommendation.citation in content
    figures = response.context["figures"]
    assert (figures.organisations, figures.people, figures.comments, figures.endorsements) == (
        1,
        1,
        5,
        5,
    )


def test_consultation_page_says_why_closed(client):
    now = timezone.now()
    closed = ConsultationFactory(
        opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2)
    )
    upcoming = ConsultationFactory(
        opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9)
    )
    assert "is closed" in client.get(closed.get_absolute_url()).content.decode()
    assert "has not opened yet" in client.get(upcoming.get_absolute_url()).content.decode()


def test_gender_figures_are_suppressed_below_threshold(client, consultation):
    recommendation = RecommendationFactory()
    for gender in ["woman"] * 6 + ["man"] * 5 + ["agender"] * 5:
        services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body="x",
            by=UserFactory(gender=gender),
        )
    figures = client.get(consultation.get_absolute_url()).context["figures"]
    labels = dict(figures.by_gender)
    assert labels["Women"] == 6 and labels["Men"] == 5
    assert labels["Other self-description or not stated"] == 5
    assert "agender" not in client.get(consultation.get_absolute_url()).content.decode()


def test_unknown_consultation_is_404(client):
    assert client.get(reverse("consultations:consultation-detail", args=[999])).status_code == 404


# --- recommendation page ------------------------------------------------------------


def test_recommendation_outside_scope_is_404(client, moderator):
    inside = RecommendationFactory()
    consultation = services.consultation_create(
        forum=ForumFactory(),
        title="Scoped",
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
        scope="recommendations",
        recommendations=[inside],
        by=moderator,
    )
    outside = RecommendationFactory()
    assert client.get(detail_url(consultation, inside)).status_code == 200
    assert client.get(detail_url(consultation, outside)).status_code == 404


def test_recommendation_page_constant_queries(client, consultation, django_assert_max_num_queries):
    recommendation = RecommendationFactory()
    users = [UserFactory() for _n in range(20)]
    roots = Comment.objects.bulk_create(
        [
            Comment(
                consultation=consultation,
                recommendation=recommendation,
                author=users[n % 20],
                body=f"Root **{n}**",
            )
            for n in range(100)
        ]
    )
    Comment.objects.bulk_create(
        [
            Comment(
                consultation=consultation,
                recommendation=recommendation,
                author=users[n % 20],
                root=roots[n % 10],
                parent=roots[n % 10],
                body=f"Reply {n}",
            )
            for n in range(400)
        ]
    )
    organisations = OrganisationFactory.create_batch(300)
    Endorsement.objects.bulk_create(
        [
            Endorsement(
                consultation=consultation,
                recommendation=recommendation,
                organisation=org,
                stance=Stance.OPPOSE if n % 3 == 0 else Stance.SUPPORT,
                statement="Because." if n % 3 == 0 else "",
            )
            for n, org in enumerate(organisations)
        ]
    )
    RecommendationStats.objects.create(
        consultation=consultation, recommendation=recommendation, support_count=200
    )
    viewer = MembershipFactory(organisation=organisations[0]).user
    client.force_login(viewer)
    # Nothing in the cache yet: every shared part is read from the database, and
    # the person with what the rules and services read about them, and whether
    # they have written in this debate (which decides who shares their threads).
    with django_assert_max_num_queries(25):
        response = client.get(detail_url(consultation, recommendation))
    assert response.status_code == 200
    with django_assert_max_num_queries(23):
        response = client.get(detail_url(consultation, recommendation) + "?sort=replies&page=2")
    assert response.status_code == 200
    with django_assert_max_num_queries(23):
        response = client.get(detail_url(consultation, recommendation) + "?statements=12")
    assert response.status_code == 200
    client.logout()
    with django_assert_max_num_queries(16):
        assert client.get(detail_url(consultation, recommendation)).status_code == 200


def test_post_comment_without_javascript(client, consultation, recommendation, person):
    client.force_login(person)
    response = client.post(comment_url(consultation, recommendation), {"body": "*Agreed*."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "<em>Agreed</em>" in page


def test_post_comment_with_htmx_returns_fragment(client, consultation, recommendation, person):
    client.force_login(person)
    response = client.post(
        comment_url(consultation, recommendation), {"body": "Hello."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="comments"')
    assert "Hello." in content and "<html" not in content


def test_post_reply(client, consultation, recommendation, person):
    root = CommentFactory(consultation=consultation, recommendation=recommendation)
    client.force_login(person)
    response = client.get(reverse("consultations:comment-reply", args=[root.pk]))
    assert response.status_code == 200
    client.post(comment_url(consultation, recommendation), {"body": "Reply.", "parent": root.pk})
    assert Comment.objects.get(parent=root).root == root


def test_empty_comment_gets_form_error(client, consultation, recommendation, person):
    client.force_login(person)
    response = client.post(comment_url(consultation, recommendation), {"body": "  "})
    assert response.status_code == 200
    assert response.context["comment_form"].errors
    response = client.post(comment_url(consultation, recommendation), {"body": "x" * 6000})
    assert response.status_code == 200 and not Comment.objects.exists()


def test_comment_refused_when_closed_shows_message(client, recommendation, person):
    now = timezone.now()
    closed = ConsultationFactory(
        opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2)
    )
    client.force_login(person)
    response = client.post(comment_url(closed, recommendation), {"body": "Late."})
    assert response.status_code == 200
    assert "closed" in str(response.context["comment_form"].non_field_errors())
    page = client.get(detail_url(closed, recommendation)).content.decode()
    assert "is closed" in page and 'name="body"' not in page


def test_comment_for_organisation_not_member_refused(client, consultation, recommendation, person):
    other = OrganisationFactory()
    client.force_login(person)
    response = client.post(
        comment_url(consultation, recommendation), {"body": "x", "organisation": other.pk}
    )
    assert response.status_code == 200 and not Comment.objects.exists()


def test_anonymous_post_redirects_to_login(client, consultation, recommendation):
    response = client.post(comment_url(consultation, recommendation), {"body": "x"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Comment.objects.exists()


def test_edit_and_delete_pages(client, consultation, recommendation, person):
    comment = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="First.", by=person
    )
    client.force_login(person)
    edit = reverse("consultations:comment-update", args=[comment.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"body": "Second."})
    comment.refresh_from_db()
    assert comment.body == "Second." and comment.edited_at
    assert "edited" in client.get(detail_url(consultation, recommendation)).content.decode()
    client.post(reverse("consultations:comment-delete", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.is_deleted
    client.force_login(UserFactory())
    assert client.get(edit).status_code == 403


def test_endorse_with_reservations_and_change(
    client, consultation, recommendation, organisation, representative
):
    client.force_login(representative)
    url = reverse("consultations:endorsement-set", args=[consultation.pk, recommendation.slug])
    response = client.post(url, {"organisation": organisation.pk, "stance": "reservations"})
    assert response.status_code == 200
    assert response.context["endorsement_form"].errors["statement"]
    client.post(
        url,
        {"organisation": organisation.pk, "stance": "reservations", "statement": "Safeguards."},
    )
    assert Endorsement.objects.get().stance == "reservations"
    client.post(url, {"organisation": organisation.pk, "stance": "support"})
    assert Endorsement.objects.get().stance == "support"
    client.post(
        reverse("consultations:endorsement-withdraw", args=[consultation.pk, recommendation.slug]),
        {"organisation": organisation.pk},
    )
    assert not Endorsement.objects.get().is_active


def test_member_sees_no_endorsement_form_and_is_refused(
    client, consultation, recommendation, organisation, member
):
    client.force_login(member)
    page = client.get(detail_url(consultation, recommendation))
    assert page.context["endorsement_form"] is None
    url = reverse("consultations:endorsement-set", args=[consultation.pk, recommendation.slug])
    response = client.post(url, {"organisation": organisation.pk, "stance": "support"})
    assert response.status_code == 200 and not Endorsement.objects.exists()


def test_cosign_from_page(client, consultation, recommendation, organisation, representative):
    original = services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.OPPOSE,
        statement="Not like this.",
        by=representative,
    )
    other = MembershipFactory()
    client.force_login(other.user)
    page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "Co-sign this statement" in page
    client.post(
        reverse("consultations:endorsement-set", args=[consultation.pk, recommendation.slug]),
        {"endorsement": original.pk, "organisation": other.organisation.pk},
    )
    assert Endorsement.objects.get(organisation=other.organisation).cosigned == original


def test_at_risk_organisation_is_masked(client, consultation, recommendation):
    at_risk = OrganisationFactory(name="Secret Sisters", is_at_risk=True, region="Western Asia")
    rep = MembershipFactory(organisation=at_risk).user
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=at_risk,
        stance=Stance.OPPOSE,
        statement="Risky.",
        by=rep,
    )
    services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="From us.",
        organisation=at_risk,
        by=rep,
    )
    client.force_login(UserFactory())
    page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "Secret Sisters" not in page
    assert "an organisation from Western Asia" in page


def test_follow_toggles(client, consultation, recommendation, person):
    client.force_login(person)
    url = reverse("consultations:consultation-follow", args=[consultation.pk])
    client.post(url)
    assert person.follows.count() == 1
    client.post(url, {"follow": "0"})
    assert person.follows.count() == 0
    client.post(
        reverse("consultations:recommendation-follow", args=[consultation.pk, recommendation.slug])
    )
    assert person.follows.get().recommendation == recommendation


def test_flag_page(client, consultation, recommendation, person):
    comment = CommentFactory(consultation=consultation, recommendation=recommendation)
    client.force_login(person)
    url = reverse("consultations:comment-flag", args=[comment.pk])
    assert client.post(url, {"reason": "bogus"}).status_code == 200
    client.post(url, {"reason": "spam", "details": "Ads."})
    comment.refresh_from_db()
    assert comment.open_flag_count == 1


# --- moderation pages -------------------------------------------------------------


MODERATION_URLS = [
    ("consultations:moderation-queue", False),
    ("consultations:audit-log", False),
    ("consultations:consultation-create", False),
    ("consultations:forum-create", False),
    ("consultations:consultation-update", True),
    ("consultations:consultation-extend", True),
    ("consultations:consultation-close", True),
    ("consultations:suspension-list", True),
]


@pytest.mark.parametrize(("name", "needs_pk"), MODERATION_URLS)
def test_moderation_pages_refuse_participants(client, consultation, person, name, needs_pk):
    url = reverse(name, args=[consultation.pk] if needs_pk else [])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(person)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("name", "needs_pk"), MODERATION_URLS)
def test_moderation_pages_need_mfa(client, consultation, name, needs_pk):
    moderator = ModeratorFactory(mfa=False)
    url = reverse(name, args=[consultation.pk] if needs_pk else [])
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    with_mfa(moderator)
    assert client.get(url).status_code == 200


def test_moderator_creates_consultation_in_portal(client, moderator):
    with_mfa(moderator)
    forum = ForumFactory()
    RecommendationFactory()
    client.force_login(moderator)
    response = client.post(
        reverse("consultations:consultation-create"),
        {
            "forum": forum.pk,
            "title": "Manila online consultation",
            "opens_at": "2030-01-01T09:00",
            "closes_anywhere_on_earth": "on",
            "closes_on": "2030-01-21",
            "scope": "all",
            "moderator_emails": moderator.email,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    consultation = Consultation.objects.get()
    assert consultation.closes_anywhere_on_earth
    assert consultation.closing_date_anywhere_on_earth.isoformat() == "2030-01-21"
    assert list(consultation.moderators.all()) == [moderator]


def test_consultation_form_errors_not_500(client, moderator):
    with_mfa(moderator)
    client.force_login(moderator)
    response = client.post(
        reverse("consultations:consultation-create"),
        {
            "forum": ForumFactory().pk,
            "title": "x",
            "opens_at": "nonsense",
            "scope": "sessions",
            "moderator_emails": "nobody@example.org",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"opens_at", "closes_at", "sessions", "moderator_emails"} <= set(errors)


def test_hide_and_author_sees_reason(
    client, consultation, recommendation, person, consultation_moderator
):
    with_mfa(consultation_moderator)
    comment = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Nasty words.", by=person
    )
    client.force_login(consultation_moderator)
    client.post(reverse("consultations:comment-hide", args=[comment.pk]), {"reason": "Insulting."})
    comment.refresh_from_db()
    assert comment.is_hidden
    moderator_page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "Nasty words." in moderator_page
    client.force_login(person)
    author_page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "Nasty words." in author_page and "Insulting." in author_page
    client.force_login(UserFactory())
    stranger_page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "Nasty words." not in stranger_page and "Insulting." not in stranger_page
    assert "hidden by a moderator" in stranger_page
    client.logout()
    assert (
        "Nasty words." not in client.get(detail_url(consultation, recommendation)).content.decode()
    )


def test_moderation_queue_and_audit_log(
    client, consultation, recommendation, moderator, django_assert_max_num_queries
):
    with_mfa(moderator)
    comments = [
        services.comment_create(
            consultation=consultation, recommendation=recommendation, body=f"c{n}", by=UserFactory()
        )
        for n in range(30)
    ]
    for comment in comments:
        services.comment_flag(comment=comment, reason="spam", by=UserFactory())
        services.comment_flag(comment=comment, reason="offensive", by=UserFactory())
    for comment in comments[:10]:
        services.comment_hide(comment=comment, reason="Spam.", by=moderator)
    client.force_login(moderator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("consultations:moderation-queue"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    with django_assert_max_num_queries(12):
        response = client.get(reverse("consultations:audit-log"))
    assert response.status_code == 200
    response = client.get(
        reverse("consultations:audit-log"),
        {"action": "comment_hidden", "consultation": consultation.pk, "actor": moderator.email},
    )
    assert len(response.context["page"].object_list) == 10
    response = client.get(reverse("consultations:audit-log"), {"action": "thread_locked"})
    assert len(response.context["page"].object_list) == 0


def test_consultation_moderator_sees_only_own_consultations(client, recommendation):
    mine, other = ConsultationFactory(), ConsultationFactory()
    user = with_mfa(UserFactory())
    mine.moderators.add(user)
    for consultation in (mine, other):
        comment = services.comment_create(
            consultation=consultation, recommendation=recommendation, body="x", by=UserFactory()
        )
        services.comment_flag(comment=comment, reason="spam", by=UserFactory())
    client.force_login(user)
    page = client.get(reverse("consultations:moderation-queue")).context["page"]
    assert [c.consultation_id for c in page.object_list] == [mine.pk]
    other_comment = Comment.objects.get(consultation=other)
    url = reverse("consultations:comment-hide", args=[other_comment.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_lock_suspend_synthesis_pages(client, consultation, recommendation, person, moderator):
    with_mfa(moderator)
    comment = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="x", by=person
    )
    client.force_login(moderator)
    client.post(reverse("consultations:thread-lock", args=[comment.pk]), {"reason": "Calm down."})
    comment.refresh_from_db()
    assert comment.locked_at
    client.post(
        reverse("consultations:suspension-list", args=[consultation.pk]),
        {"email": person.email, "reason": "Repeated insults."},
    )
    assert person.consultation_suspensions.filter(lifted_at__isnull=True).exists()
    client.post(
        reverse("consultations:synthesis-edit", args=[consultation.pk, recommendation.slug]),
        {"body": "Most agree; **two** object."},
    )
    assert Synthesis.objects.get().body.startswith("Most agree")
    page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "<strong>two</strong>" in page
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {
        "thread_locked",
        "user_suspended",
        "synthesis_written",
    }


def test_extend_and_close_pages(client, consultation, moderator):
    with_mfa(moderator)
    client.force_login(moderator)
    new_close = (consultation.closes_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("consultations:consultation-extend", args=[consultation.pk]),
        {"closes_at": new_close},
    )
    consultation.refresh_from_db()
    assert consultation.closes_at.strftime("%Y-%m-%dT%H:%M") == new_close
    response = client.post(reverse("consultations:consultation-close", args=[consultation.pk]), {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    consultation.refresh_from_db()
    assert consultation.status == "closed"


def test_new_comment_lands_on_the_page_that_shows_it(client, consultation, recommendation, person):
    CommentFactory.create_batch(45, consultation=consultation, recommendation=recommendation)
    client.force_login(person)
    response = client.post(comment_url(consultation, recommendation), {"body": "Late thought."})
    comment = Comment.objects.get(body="Late thought.")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "page=" not in response["Location"]
    assert "Late thought." in client.get(response["Location"]).content.decode()
    response = client.post(
        comment_url(consultation, recommendation),
        {"body": "Another late thought."},
        HTTP_HX_REQUEST="true",
    )
    assert "Another late thought." in response.content.decode()


def test_page_with_fifty_comments_is_light(client, consultation, recommendation):
    for _thread in range(10):
        root = CommentFactory(
            consultation=consultation, recommendation=recommendation, body="A" * 300
        )
        CommentFactory.create_batch(
            4,
            consultation=consultation,
            recommendation=recommendation,
            root=root,
            parent=root,
            body="B" * 300,
        )
    client.force_login(UserFactory())
    response = client.get(detail_url(consultation, recommendation))
    assert response.content.decode().count('class="comment"') == 50
    assert len(response.content) < 100_000


def test_moderator_without_mfa_sees_hidden_comment_as_a_stranger(
    client, consultation, recommendation, person, moderator
):
    comment = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Rude words.", by=person
    )
    services.comment_hide(comment=comment, reason="Rude.", by=moderator)
    no_mfa = ModeratorFactory(mfa=False)
    client.force_login(no_mfa)
    page = client.get(detail_url(consultation, recommendation)).content.decode()
    assert "Rude words." not in page and "hidden by a moderator" in page
    client.force_login(moderator)
    assert "Rude words." in client.get(detail_url(consultation, recommendation)).content.decode()


def test_suspension_page_constant_queries(
    client, consultation, moderator, django_assert_max_num_queries
):
    for _n in range(25):
        services.user_suspend(
            consultation=consultation, user=UserFactory(), reason="Insults.", by=moderator
        )
    client.force_login(moderator)
    # A cold start: the person is read with what the rules need about them.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("consultations:suspension-list", args=[consultation.pk]))
    assert response.status_code == 200
    assert len(response.context["suspensions"]) == 25


def test_forum_edit_page(client, moderator):
    forum = ForumFactory()
    client.force_login(moderator)
    url = reverse("consultations:forum-update", args=[forum.pk])
    response = client.post(
        url,
        {
            "name": "Manila",
            "city": "Manila",
            "country": "PH",
            "starts_on": "2008-10-30",
            "ends_on": "2008-10-27",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    client.post(
        url,
        {
            "name": "Manila",
            "city": "Manila",
            "country": "PH",
            "starts_on": "2008-10-27",
            "ends_on": "2008-10-30",
        },
    )
    forum.refresh_from_db()
    assert forum.name == "Manila"
    assert ModerationAction.objects.get().action == "forum_changed"


def test_edit_form_shows_the_anywhere_on_earth_date(client, moderator):
    from datetime import date

    consultation = services.consultation_create(
        forum=ForumFactory(),
        title="AoE",
        opens_at=timezone.now(),
        closes_on=date(2030, 5, 1),
        closes_anywhere_on_earth=True,
        by=moderator,
    )
    client.force_login(moderator)
    response = client.get(reverse("consultations:consultation-update", args=[consultation.pk]))
    assert response.context["form"].initial["closes_on"] == date(2030, 5, 1)
    assert 'value="2030-05-01"' in response.content.decode()


def test_representative_sees_the_history_of_the_stance(
    client, consultation, recommendation, organisation, representative
):
    for stance, statement in [("support", ""), ("oppose", "No."), ("support", "")]:
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=stance,
            statement=statement,
            by=representative,
        )
    client.force_login(representative)
    response = client.get(detail_url(consultation, recommendation))
    history = response.context["endorsement_histories"][0].history
    assert [change.stance for change in history] == ["support", "oppose", "support"]
    assert "History of the stance of" in response.content.decode()


def test_the_history_of_a_stance_shows_its_latest_changes_only(
    client, consultation, recommendation, organisation, representative
):
    cycle = [("support", ""), ("oppose", "No."), ("reservations", "Perhaps.")]
    for number in range(14):
        stance, statement = cycle[number % 3]
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=stance,
            statement=f"{statement} {number}" if statement else "",
            by=representative,
        )
    client.force_login(representative)
    response = client.get(detail_url(consultation, recommendation))
    history = response.context["endorsement_histories"][0].history
    assert len(history) == selectors.STANCE_HISTORY_SHOWN == 10
    # The oldest four are left out; the rest stay in the order they happened.
    assert [change.statement for change in history][-1] == "No. 13"
    assert [change.stance for change in history] == [cycle[n % 3][0] for n in range(4, 14)]


def test_the_whole_history_of_a_stance_for_its_representatives_and_moderators(
    client,
    consultation,
    recommendation,
    organisation,
    representative,
    django_assert_max_num_queries,
):
    for number in range(60):
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance="oppose" if number % 2 else "support",
            statement=f"Reason {number}." if number % 2 else "",
            by=representative,
        )
    url = reverse(
        "consultations:endorsement-history",
        args=[consultation.pk, recommendation.slug, organisation.pk],
    )
    client.force_login(representative)
    assert url in client.get(detail_url(consultation, recommendation)).content.decode()
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert first.status_code == 200
    assert "Reason 1." in first.content.decode()
    assert "Reason 59." not in first.content.decode()
    with django_assert_max_num_queries(12):
        second = client.get(url + "?page=2")
    assert "Reason 59." in second.content.decode()
    assert client.get(url + "?page=abc").status_code == 200
    # A stranger is refused; a moderator of the consultation may read it.
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    moderator = ModeratorFactory()
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
    missing = reverse(
        "consultations:endorsement-history",
        args=[consultation.pk, recommendation.slug, organisation.pk + 1000],
    )
    client.force_login(representative)
    assert client.get(missing).status_code == 404


def test_odd_input_never_fails(client, consultation, recommendation, representative, moderator):
    client.force_login(representative)
    withdraw = reverse(
        "consultations:endorsement-withdraw", args=[consultation.pk, recommendation.slug]
    )
    assert client.post(withdraw, {"organisation": "abc"}).status_code == 302
    endorse = reverse("consultations:endorsement-set", args=[consultation.pk, recommendation.slug])
    assert client.post(endorse, {"organisation": "x", "stance": "maybe"}).status_code == 200
    assert client.post(endorse, {"endorsement": "x", "organisation": "1"}).status_code == 302
    create = comment_url(consultation, recommendation)
    assert client.post(create, {"body": "x", "parent": "abc"}).status_code == 200
    # Ids past what the database holds (SQLite raised OverflowError).
    huge = "99999999999999999999999"
    assert client.post(withdraw, {"organisation": huge}).status_code == 302
    assert client.post(endorse, {"organisation": huge, "stance": "support"}).status_code == 200
    assert client.post(endorse, {"endorsement": huge, "organisation": "1"}).status_code == 302
    assert client.post(create, {"body": "x", "parent": huge}).status_code == 200
    assert client.post(create, {"body": "x", "parent": "999999"}).status_code == 200
    assert client.post(create, {"body": "x", "organisation": "zz"}).status_code == 200
    page = detail_url(consultation, recommendation)
    assert client.get(page + "?page=abc&sort=<script>").status_code == 200
    client.force_login(moderator)
    suspensions = reverse("consultations:suspension-list", args=[consultation.pk])
    assert client.get(suspensions + "?user=abc").status_code == 200
    assert client.post(suspensions, {"email": "not-an-email", "reason": ""}).status_code == 200
    queue = reverse("consultations:moderation-queue")
    assert client.get(queue + "?consultation=abc&page=-1").status_code == 200
    log = reverse("consultations:audit-log")
    assert client.get(log + "?consultation=abc&action=nope&actor=bad").status_code == 200
