"""The consultation endpoints: shape, filters, permissions, rules and at-risk masking."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MembershipRole
from consultations import services
from consultations.models import Comment, Endorsement, Follow, Stance

from .factories import (
    CommentFactory,
    ConsultationFactory,
    EndorsementFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _no_comment_rate(settings):
    settings.CONSULTATIONS_COMMENT_RATE = None


def _url(consultation, tail=""):
    return f"/api/v1/consultations/{consultation.pk}/{tail}"


@pytest.fixture
def at_risk():
    return OrganisationFactory(
        name="Secret Sisters",
        is_at_risk=True,
        region="Western Asia",
        country="SY",
        website="https://secret.example.org",
    )


# --- consultations and forums -----------------------------------------------------------


def test_consultation_list_shape_and_constant_queries(api, django_assert_max_num_queries):
    for _ in range(30):
        ConsultationFactory()
    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/consultations/", {"page_size": 100})
    body = response.json()
    assert body["count"] == 30
    first = body["results"][0]
    assert {"id", "title", "forum", "status", "opens_at", "closes_at", "url"} <= set(first)
    assert first["status"] == "open"


def test_consultation_filter_by_forum(api, consultation):
    ConsultationFactory()
    response = api.get("/api/v1/consultations/", {"forum": consultation.forum_id})
    assert [c["id"] for c in response.json()["results"]] == [consultation.pk]


@pytest.mark.parametrize("value", ["x", "0", "99999999999999999999", "1.5"])
def test_consultation_filter_rejects_bad_ids(api, value):
    assert api.get("/api/v1/consultations/", {"forum": value}).status_code == 400


def test_forum_list(api, consultation):
    response = api.get("/api/v1/forums/")
    assert response.json()["results"][0]["name"] == consultation.forum.name


# --- comments: reading ------------------------------------------------------------------------


def test_comments_shape_and_filter_by_recommendation(api, consultation, recommendation):
    comment = CommentFactory(consultation=consultation, recommendation=recommendation)
    CommentFactory(consultation=consultation)
    response = api.get(_url(consultation, "comments/"), {"recommendation": recommendation.slug})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [c["id"] for c in results] == [comment.pk]
    assert results[0]["author"] == str(comment.author)
    assert results[0]["display"] == "visible"
    assert results[0]["body"] == comment.body
    assert "email" not in json.dumps(results)


def test_comments_cursor_pagination(api, consultation, recommendation):
    ids = [
        CommentFactory(consultation=consultation, recommendation=recommendation).pk
        for _ in range(5)
    ]
    first = api.get(_url(consultation, "comments/"), {"page_size": 3}).json()
    assert [c["id"] for c in first["results"]] == ids[:3]
    second = api.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == ids[3:]


@pytest.mark.parametrize("cursor", ["nonsense", "cD0yMDI2", "bz0tMQ=="])
def test_malformed_cursor_is_a_400(api, consultation, cursor):
    response = api.get(_url(consultation, "comments/"), {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_comments_constant_queries_whatever_the_page_size(
    api, consultation, recommendation, at_risk, django_assert_max_num_queries
):
    organisations = [OrganisationFactory() for _ in range(3)] + [at_risk]
    for index in range(120):
        CommentFactory(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisations[index % 4],
        )
    for size in (5, 100):
        with django_assert_max_num_queries(3):
            response = api.get(_url(consultation, "comments/"), {"page_size": size})
        assert len(response.json()["results"]) == size


def _hidden_comment(consultation, recommendation, author=None):
    moderator = ModeratorFactory()
    comment = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Something rude.",
        by=author or UserFactory(),
    )
    services.comment_hide(comment=comment, reason="Personal attack.", by=moderator)
    return comment


def test_hidden_comment_is_a_placeholder_for_anonymous_and_members(
    api, consultation, recommendation, member
):
    comment = _hidden_comment(consultation, recommendation)
    for viewer in (None, member):
        api.force_authenticate(viewer)
        result = api.get(_url(consultation, "comments/")).json()["results"][0]
        assert result["id"] == comment.pk
        assert result["display"] == "hidden"
        assert result["body"] == "" and result["body_html"] == ""
        assert result["hidden_reason"] == ""
    detail = api.get(f"/api/v1/comments/{comment.pk}/").json()
    assert detail["body"] == ""


def test_hidden_comment_shows_to_its_author_with_the_reason(api, consultation, recommendation):
    author = UserFactory()
    comment = _hidden_comment(consultation, recommendation, author=author)
    api.force_authenticate(author)
    result = api.get(_url(consultation, "comments/")).json()["results"][0]
    assert result["body"] == comment.body
    assert result["hidden_reason"] == "Personal attack."


def test_hidden_comment_shows_to_a_moderator_with_two_factor_only(
    api, consultation, recommendation
):
    comment = _hidden_comment(consultation, recommendation)
    api.force_authenticate(ModeratorFactory())
    assert api.get(_url(consultation, "comments/")).json()["results"][0]["body"] == comment.body
    api.force_authenticate(ModeratorFactory(mfa=False))
    assert api.get(_url(consultation, "comments/")).json()["results"][0]["body"] == ""


def test_deleted_comment_without_replies_is_left_out(api, consultation, recommendation):
    comment = CommentFactory(
        consultation=consultation, recommendation=recommendation, deleted_at=timezone.now()
    )
    assert api.get(_url(consultation, "comments/")).json()["results"] == []
    assert api.get(f"/api/v1/comments/{comment.pk}/").status_code == 404


def test_comment_on_behalf_of_an_at_risk_organisation_is_masked(
    api, consultation, recommendation, at_risk
):
    CommentFactory(consultation=consultation, recommendation=recommendation, organisation=at_risk)
    text = api.get(_url(consultation, "comments/")).content.decode()
    assert "Secret Sisters" not in text
    organisation = api.get(_url(consultation, "comments/")).json()["results"][0]["organisation"]
    assert organisation["name"] == "an organisation from Western Asia"
    assert organisation["id"] is None
    api.force_authenticate(ModeratorFactory())
    organisation = api.get(_url(consultation, "comments/")).json()["results"][0]["organisation"]
    assert organisation["name"] == "Secret Sisters"


def test_comments_of_unknown_consultation_are_a_404(api):
    assert api.get("/api/v1/consultations/999999/comments/").status_code == 404


# --- comments: writing ------------------------------------------------------------------------


def test_post_comment_needs_credentials(api, consultation, recommendation):
    response = api.post(
        _url(consultation, "comments/"), {"recommendation": recommendation.slug, "body": "Hi."}
    )
    assert response.status_code == 401


def test_post_comment_through_the_service(api, consultation, recommendation, person):
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "We agree."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "We agree."
    consultation.refresh_from_db()
    assert consultation.comment_count == 1  # the service kept the counter


def test_reply_to_a_comment(api, consultation, recommendation, person):
    parent = CommentFactory(consultation=consultation, recommendation=recommendation)
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "Indeed.", "parent": parent.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["thread"] == parent.pk


def _assert_error_shape(response):
    """A refusal by a service reads like every other API error: detail plus errors."""
    body = response.json()
    assert body == {"detail": body["detail"], "errors": {"non_field_errors": [body["detail"]]}}
    assert body["detail"].endswith(".")


def test_post_comment_refused_when_consultation_closed(api, recommendation, person):
    closed = ConsultationFactory(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    api.force_authenticate(person)
    response = api.post(
        _url(closed, "comments/"),
        {"recommendation": recommendation.slug, "body": "Late."},
        format="json",
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    _assert_error_shape(response)
    assert not Comment.objects.exists()


def test_posting_too_quickly_is_a_429(api, consultation, recommendation, person, settings):
    settings.CONSULTATIONS_COMMENT_RATE = (2, 60)
    api.force_authenticate(person)
    payload = {"recommendation": recommendation.slug, "body": "Again."}
    for _attempt in range(2):
        assert api.post(_url(consultation, "comments/"), payload, format="json").status_code == 201
    response = api.post(_url(consultation, "comments/"), payload, format="json")
    assert response.status_code == 429
    assert "too quickly" in response.json()["detail"]
    _assert_error_shape(response)
    assert Comment.objects.count() == 2


def test_post_comment_refused_for_unverified_email(api, consultation, recommendation):
    api.force_authenticate(UserFactory(verified=False))
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "Hi."},
        format="json",
    )
    assert response.status_code == 403
    assert "Confirm your email" in response.json()["detail"]
    _assert_error_shape(response)


def test_post_comment_refused_for_organisation_not_mine(
    api, consultation, recommendation, person, organisation
):
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "Hi.", "organisation": organisation.pk},
        format="json",
    )
    assert response.status_code == 403
    assert "belong" in response.json()["detail"]


def test_post_comment_validation_errors_are_per_field(api, consultation, person):
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": "no-such-thing", "body": "Hi."},
        format="json",
    )
    assert response.status_code == 400
    assert "recommendation" in response.json()["errors"]
    response = api.post(_url(consultation, "comments/"), {}, format="json")
    assert set(response.json()["errors"]) >= {"recommendation", "body"}


def test_post_comment_refused_out_of_scope(api, person, recommendation):
    scoped = ConsultationFactory(scope="recommendations")
    scoped.recommendations.add(RecommendationFactory())
    api.force_authenticate(person)
    response = api.post(
        _url(scoped, "comments/"),
        {"recommendation": recommendation.slug, "body": "Hi."},
        format="json",
    )
    assert response.status_code == 400


def test_edit_own_comment_only(api, consultation, recommendation, person):
    comment = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="First.", by=person
    )
    api.force_authenticate(UserFactory())
    response = api.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Hacked."}, format="json")
    assert response.status_code == 403
    api.force_authenticate(person)
    response = api.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Second."}, format="json")
    assert response.status_code == 200
    assert response.json()["body"] == "Second."
    assert response.json()["edited_at"]


def test_edit_refused_after_the_edit_window(api, consultation, recommendation, person):
    comment = CommentFactory(
        consultation=consultation,
        recommendation=recommendation,
        author=person,
        created_at=timezone.now() - timedelta(hours=1),
    )
    api.force_authenticate(person)
    response = api.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Late."}, format="json")
    assert response.status_code == 409
    assert "15 minutes" in response.json()["detail"]


def test_delete_own_comment(api, consultation, recommendation, person):
    comment = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Oops.", by=person
    )
    api.force_authenticate(UserFactory())
    assert api.delete(f"/api/v1/comments/{comment.pk}/").status_code == 403
    api.force_authenticate(person)
    assert api.delete(f"/api/v1/comments/{comment.pk}/").status_code == 204
    comment.refresh_from_db()
    assert comment.deleted_at is not None


# --- endorsements and tallies -----------------------------------------------------------


def _endorse(api, consultation, recommendation, organisation, **data):
    return api.post(
        _url(consultation, "endorsements/"),
        {"recommendation": recommendation.slug, "organisation": organisation.pk, **data},
        format="json",
    )


def test_representative_endorses_changes_and_withdraws(
    api, consultation, recommendation, organisation, representative
):
    api.force_authenticate(representative)
    response = _endorse(api, consultation, recommendation, organisation, stance="support")
    assert response.status_code == 200, response.content
    assert response.json()["stance"] == "support"
    response = _endorse(
        api, consultation, recommendation, organisation, stance="oppose", statement="No."
    )
    assert response.json()["stance"] == "oppose"
    endorsement = Endorsement.objects.get()
    assert endorsement.changes.count() == 2
    assert api.delete(f"/api/v1/endorsements/{endorsement.pk}/").status_code == 204
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None


def test_member_cannot_endorse(api, consultation, recommendation, organisation, member):
    api.force_authenticate(member)
    response = _endorse(api, consultation, recommendation, organisation, stance="support")
    assert response.status_code == 403
    assert "representative" in response.json()["detail"]
    _assert_error_shape(response)
    assert not Endorsement.objects.exists()


def test_moderator_cannot_endorse_for_an_organisation(
    api, consultation, recommendation, organisation
):
    api.force_authenticate(ModeratorFactory())
    response = _endorse(api, consultation, recommendation, organisation, stance="support")
    assert response.status_code == 403


def test_anonymous_cannot_endorse(api, consultation, recommendation, organisation):
    response = _endorse(api, consultation, recommendation, organisation, stance="support")
    assert response.status_code == 401


def test_opposition_needs_a_statement(
    api, consultation, recommendation, organisation, representative
):
    api.force_authenticate(representative)
    response = _endorse(api, consultation, recommendation, organisation, stance="oppose")
    assert response.status_code == 400
    assert "statement" in response.json()["detail"]


def test_member_cannot_withdraw(api, consultation, recommendation, organisation, member):
    endorsement = EndorsementFactory(
        consultation=consultation, recommendation=recommendation, organisation=organisation
    )
    api.force_authenticate(member)
    assert api.delete(f"/api/v1/endorsements/{endorsement.pk}/").status_code == 403


def test_endorsements_list_masks_at_risk_and_filters(
    api, consultation, recommendation, at_risk, organisation, django_assert_max_num_queries
):
    EndorsementFactory(
        consultation=consultation, recommendation=recommendation, organisation=at_risk
    )
    EndorsementFactory(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.OPPOSE,
        statement="No.",
    )
    for _ in range(40):
        EndorsementFactory(consultation=consultation)
    with django_assert_max_num_queries(4):
        response = api.get(_url(consultation, "endorsements/"), {"page_size": 100})
    assert response.json()["count"] == 42
    assert "Secret Sisters" not in response.content.decode()
    assert "secret.example.org" not in response.content.decode()
    response = api.get(
        _url(consultation, "endorsements/"),
        {"recommendation": recommendation.slug, "stance": "oppose"},
    )
    assert [e["organisation"]["id"] for e in response.json()["results"]] == [organisation.pk]
    assert api.get(_url(consultation, "endorsements/"), {"stance": "maybe"}).status_code == 400


def test_tallies(api, consultation, recommendation, organisation, representative):
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance="support",
        by=representative,
    )
    rows = api.get(_url(consultation, "tallies/")).json()
    row = next(r for r in rows if r["recommendation"] == recommendation.slug)
    assert row["support"] == 1 and row["total"] == 1
    detail = api.get(_url(consultation, f"tallies/{recommendation.slug}/")).json()
    assert detail["support"] == 1
    assert detail["by_kind"][0]["support"] == 1
    assert api.get(_url(consultation, "tallies/nope/")).status_code == 404


def test_tallies_constant_queries(api, consultation, django_assert_max_num_queries):
    for _ in range(30):
        RecommendationFactory()
    with django_assert_max_num_queries(4):
        assert len(api.get(_url(consultation, "tallies/")).json()) == 30


# --- follows -----------------------------------------------------------


def test_follow_and_unfollow_consultation_and_recommendation(
    api, consultation, recommendation, person
):
    api.force_authenticate(person)
    assert api.put(_url(consultation, "follow/")).json() == {"following": True}
    assert api.get(_url(consultation, "follow/")).json() == {"following": True}
    assert api.put(f"/api/v1/recommendations/{recommendation.slug}/follow/").status_code == 200
    assert Follow.objects.filter(user=person).count() == 2
    assert api.delete(_url(consultation, "follow/")).json() == {"following": False}
    assert Follow.objects.filter(user=person).count() == 1


def test_follow_refused_for_unverified_email(api, consultation):
    api.force_authenticate(UserFactory(verified=False))
    assert api.put(_url(consultation, "follow/")).status_code == 403


def test_follow_needs_credentials(api, consultation):
    assert api.get(_url(consultation, "follow/")).status_code == 401


# --- open data -----------------------------------------------------------


@pytest.fixture
def debate(consultation, recommendation, at_risk):
    visible = CommentFactory(
        consultation=consultation, recommendation=recommendation, body='=HYPERLINK("x")'
    )
    hidden = _hidden_comment(consultation, recommendation)
    EndorsementFactory(
        consultation=consultation, recommendation=recommendation, organisation=at_risk
    )
    return visible, hidden


def test_open_data_json_is_licensed_public_and_masked(api, consultation, debate):
    visible, hidden = debate
    api.force_authenticate(ModeratorFactory())  # even moderators get only the public data
    response = api.get(_url(consultation, "open-data.json"))
    assert response.status_code == 200
    assert response["License"].startswith("CC BY 4.0")
    data = json.loads(b"".join(response.streaming_content))
    assert data["license"]["name"] == "CC BY 4.0"
    text = json.dumps(data)
    assert "Secret Sisters" not in text and hidden.body not in text
    assert {c["id"] for c in data["comments"]} == {visible.pk, hidden.pk}
    assert data["endorsements"][0]["organisation"] == "an organisation from Western Asia"
    assert data["endorsements"][0]["organisation_kind"] == ""


def test_open_data_csv_has_bom_and_neutralises_formulas(api, consultation, debate):
    response = api.get(_url(consultation, "open-data.csv"), {"table": "comments"})
    assert response.status_code == 200
    assert response["License"].startswith("CC BY 4.0")
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    bodies = [row["body"] for row in rows]
    assert '\'=HYPERLINK("x")' in bodies
    assert not any(body.startswith(("=", "+", "-", "@")) for body in bodies)


def test_open_data_csv_tables(api, consultation, debate):
    for table in ("recommendations", "endorsements"):
        response = api.get(_url(consultation, "open-data.csv"), {"table": table})
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Secret Sisters" not in text
    assert api.get(_url(consultation, "open-data.csv"), {"table": "users"}).status_code == 400
    assert api.get(_url(consultation, "open-data.csv"), {"format": "x"}).status_code == 400


def test_open_data_constant_queries(
    api, consultation, recommendation, django_assert_max_num_queries
):
    for _ in range(60):
        CommentFactory(consultation=consultation, recommendation=recommendation)
        EndorsementFactory(consultation=consultation, recommendation=recommendation)
    with django_assert_max_num_queries(6):
        response = api.get(_url(consultation, "open-data.json"))
        data = json.loads(b"".join(response.streaming_content))
    assert len(data["comments"]) == 60 and len(data["endorsements"]) == 60


def test_representative_role_member_fixture_sanity(member, organisation):
    assert member.memberships.get(organisation=organisation).role == MembershipRole.MEMBER


def test_representative_can_comment_on_behalf(api, consultation, recommendation):
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    api.force_authenticate(user)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "For us.", "organisation": organisation.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["organisation"]["name"] == organisation.name


def test_suspended_person_cannot_comment(api, consultation, recommendation, person):
    services.user_suspend(
        consultation=consultation, user=person, reason="Repeated insults.", by=ModeratorFactory()
    )
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "Hi."},
        format="json",
    )
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]


def test_reply_refused_in_a_locked_thread(api, consultation, recommendation, person):
    root = services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Root.", by=UserFactory()
    )
    services.thread_lock(comment=root, reason="Heated.", by=ModeratorFactory())
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "Reply.", "parent": root.pk},
        format="json",
    )
    assert response.status_code == 409
    assert "locked" in response.json()["detail"]
    assert api.get(f"/api/v1/comments/{root.pk}/").json()["is_locked"] is True


def test_reply_to_a_comment_elsewhere_is_refused(api, consultation, recommendation, person):
    other = CommentFactory(consultation=ConsultationFactory(), recommendation=recommendation)
    api.force_authenticate(person)
    response = api.post(
        _url(consultation, "comments/"),
        {"recommendation": recommendation.slug, "body": "Reply.", "parent": other.pk},
        format="json",
    )
    assert response.status_code == 400


def test_messages_follow_the_requested_language(api, recommendation, person):
    closed = ConsultationFactory(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    api.force_authenticate(person)
    response = api.post(
        _url(closed, "comments/"),
        {"recommendation": recommendation.slug, "body": "Tard."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 409
    assert "consultation" in response.json()["detail"]
    assert "closed" not in response.json()["detail"]


def test_forum_list_constant_queries(api, django_assert_max_num_queries):
    from .factories import ForumFactory

    for _ in range(110):
        ForumFactory()
    for size in (2, 100):
        with django_assert_max_num_queries(2):
            assert len(api.get("/api/v1/forums/", {"page_size": size}).json()["results"]) == size
