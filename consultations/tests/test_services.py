from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import VerificationStatus
from activity.models import Activity, ModerationAction
from consultations import services
from consultations.models import (
    Comment,
    Consultation,
    ConsultationScope,
    Endorsement,
    EndorsementChange,
    Flag,
    Follow,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
    Stance,
    Suspension,
    Synthesis,
)
from core.errors import Refusal

from .factories import (
    CommentFactory,
    ConsultationFactory,
    ForumFactory,
    MembershipFactory,
    OrganisationFactory,
    RecommendationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def post(consultation, recommendation, by, body="A thought.", **kwargs):
    return services.comment_create(
        consultation=consultation, recommendation=recommendation, body=body, by=by, **kwargs
    )


def stats(consultation, recommendation):
    return RecommendationStats.objects.get(consultation=consultation, recommendation=recommendation)


# --- window and status ------------------------------------------------------


def test_status_follows_the_window():
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2)
    )
    assert consultation.status == "upcoming"
    with time_machine.travel(now + timedelta(days=1, hours=1)):
        assert consultation.status == "open"
    with time_machine.travel(now + timedelta(days=2, seconds=1)):
        assert consultation.status == "closed"


def test_end_of_day_anywhere_on_earth_is_noon_next_day_utc(moderator):
    consultation = services.consultation_create(
        forum=ForumFactory(),
        title="Manila",
        opens_at=timezone.now(),
        closes_on=date(2030, 3, 14),
        closes_anywhere_on_earth=True,
        by=moderator,
    )
    closes = consultation.closes_at.astimezone(UTC)
    assert (closes.year, closes.month, closes.day, closes.hour, closes.minute) == (
        2030,
        3,
        15,
        11,
        59,
    )
    with time_machine.travel(datetime(2030, 3, 15, 11, 59, 0, tzinfo=UTC)):
        assert consultation.status == "open"
    with time_machine.travel(datetime(2030, 3, 15, 12, 0, 0, tzinfo=UTC)):
        assert consultation.status == "closed"


@pytest.mark.parametrize("offset", [timedelta(days=-30), timedelta(days=30)])
def test_comment_refused_outside_the_window(recommendation, representative, offset):
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now + offset - timedelta(days=1), closes_at=now + offset
    )
    if offset.days > 0:
        consultation.opens_at = now + timedelta(days=1)
        consultation.save()
    with pytest.raises(Refusal) as refused:
        post(consultation, recommendation, representative)
    assert refused.value.kind == "closed"
    assert not Comment.objects.exists()


def test_comment_accepted_the_second_before_closing(recommendation, representative):
    closes = timezone.now() + timedelta(hours=1)
    consultation = ConsultationFactory(closes_at=closes)
    with time_machine.travel(closes - timedelta(seconds=1), tick=False):
        post(consultation, recommendation, representative)
    with (
        time_machine.travel(closes + timedelta(seconds=1), tick=False),
        pytest.raises(Refusal, match="closed"),
    ):
        post(consultation, recommendation, representative)


def test_only_portal_moderators_create_consultations(person, consultation_moderator):
    for user in (person, consultation_moderator):
        with pytest.raises(Refusal):
            services.consultation_create(
                forum=ForumFactory(),
                title="x",
                opens_at=timezone.now(),
                closes_at=timezone.now() + timedelta(days=1),
                by=user,
            )


def test_consultation_must_close_after_it_opens(moderator):
    with pytest.raises(Refusal):
        services.consultation_create(
            forum=ForumFactory(),
            title="x",
            opens_at=timezone.now(),
            closes_at=timezone.now() - timedelta(days=1),
            by=moderator,
        )


def test_scope_sessions_limits_recommendations(moderator, representative):
    inside, outside = RecommendationFactory(), RecommendationFactory()
    consultation = services.consultation_create(
        forum=ForumFactory(),
        title="Scoped",
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
        scope=ConsultationScope.SESSIONS,
        sessions=[inside.session],
        by=moderator,
    )
    post(consultation, inside, representative)
    with pytest.raises(Refusal, match="not part"):
        post(consultation, outside, representative)


def test_scope_requires_a_choice(moderator):
    with pytest.raises(Refusal):
        services.consultation_create(
            forum=ForumFactory(),
            title="Scoped",
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
            scope=ConsultationScope.RECOMMENDATIONS,
            by=moderator,
        )
    assert not Consultation.objects.exists()


def test_scope_recommendations(moderator):
    chosen = RecommendationFactory()
    consultation = services.consultation_create(
        forum=ForumFactory(),
        title="Scoped",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        scope=ConsultationScope.RECOMMENDATIONS,
        recommendations=[chosen],
        by=moderator,
    )
    assert services.recommendation_in_scope(consultation=consultation, recommendation=chosen)
    other = RecommendationFactory(session=SessionFactory())
    assert not services.recommendation_in_scope(consultation=consultation, recommendation=other)


def test_extend_and_close_early(consultation, consultation_moderator, recommendation, person):
    later = consultation.closes_at + timedelta(days=3)
    services.consultation_extend(
        consultation=consultation, closes_at=later, by=consultation_moderator
    )
    assert consultation.closes_at == later
    with pytest.raises(Refusal):
        services.consultation_extend(
            consultation=consultation,
            closes_at=later - timedelta(days=1),
            by=consultation_moderator,
        )
    services.consultation_close(consultation=consultation, by=consultation_moderator)
    consultation.refresh_from_db()
    assert consultation.status == "closed"
    assert consultation.closed_early_at is not None
    with pytest.raises(Refusal, match="closed"):
        post(consultation, recommendation, person)
    actions = set(ModerationAction.objects.values_list("action", flat=True))
    assert {"consultation_extended", "consultation_closed"} <= actions
    assert ModerationAction.objects.filter(consultation=consultation).count() == 2


def test_stranger_cannot_extend_or_close(consultation, person):
    with pytest.raises(Refusal):
        services.consultation_close(consultation=consultation, by=person)
    with pytest.raises(Refusal):
        services.consultation_extend(
            consultation=consultation,
            closes_at=consultation.closes_at + timedelta(days=1),
            by=person,
        )


def test_consultation_moderator_cannot_change_moderators(consultation, consultation_moderator):
    other = UserFactory()
    services.consultation_update(
        consultation=consultation,
        forum=consultation.forum,
        title="Renamed",
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        moderators=[other],
        by=consultation_moderator,
    )
    assert set(consultation.moderators.all()) == {consultation_moderator}
    assert Consultation.objects.get().title == "Renamed"


# --- comments ----------------------------------------------------------------


def test_comment_keeps_counters_and_records_activity(consultation, recommendation, person):
    comment = post(consultation, recommendation, person)
    reply = post(consultation, recommendation, UserFactory(), parent=comment)
    assert reply.root == comment
    nested = post(consultation, recommendation, person, parent=reply)
    assert nested.root == comment and nested.parent == reply
    comment.refresh_from_db()
    consultation.refresh_from_db()
    assert comment.reply_count == 2
    assert stats(consultation, recommendation).comment_count == 3
    assert consultation.comment_count == 3
    verbs = list(Activity.objects.order_by("id").values_list("verb", flat=True))
    assert verbs == ["comment_posted", "comment_replied", "comment_replied"]
    assert (
        Activity.objects.filter(consultation=consultation, recommendation=recommendation).count()
        == 3
    )
    assert PersonParticipation.objects.filter(consultation=consultation).count() == 2


def test_unverified_email_cannot_comment(consultation, recommendation):
    with pytest.raises(Refusal, match="email"):
        post(consultation, recommendation, UserFactory(verified=False))


def test_anonymous_cannot_comment(consultation, recommendation):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Refusal):
        post(consultation, recommendation, AnonymousUser())


def test_comment_on_behalf_of_organisation_by_member(
    consultation, recommendation, organisation, member
):
    comment = post(consultation, recommendation, member, organisation=organisation)
    assert comment.organisation == organisation
    assert OrganisationParticipation.objects.filter(organisation=organisation).exists()


def test_non_member_cannot_speak_for_organisation(consultation, recommendation, organisation):
    with pytest.raises(Refusal, match="belong"):
        post(consultation, recommendation, UserFactory(), organisation=organisation)


def test_pending_organisation_cannot_comment(consultation, recommendation):
    pending = OrganisationFactory(status=VerificationStatus.PENDING)
    user = MembershipFactory(organisation=pending).user
    with pytest.raises(Refusal, match="verified"):
        post(consultation, recommendation, user, organisation=pending)


def test_suspended_user_cannot_comment(
    consultation, recommendation, person, consultation_moderator
):
    services.user_suspend(
        consultation=consultation, user=person, reason="Insults.", by=consultation_moderator
    )
    with pytest.raises(Refusal, match="suspended"):
        post(consultation, recommendation, person)
    other = ConsultationFactory()
    post(other, recommendation, person)  # only that consultation


def test_suspension_lifted(consultation, recommendation, person, consultation_moderator):
    suspension = services.user_suspend(
        consultation=consultation, user=person, reason="Insults.", by=consultation_moderator
    )
    with pytest.raises(Refusal):
        services.user_suspend(
            consultation=consultation, user=person, reason="Again.", by=consultation_moderator
        )
    services.suspension_lift(suspension=suspension, by=consultation_moderator)
    post(consultation, recommendation, person)
    assert {"user_suspended", "suspension_lifted"} == set(
        ModerationAction.objects.values_list("action", flat=True)
    )


def test_moderator_cannot_be_suspended(consultation, moderator, consultation_moderator):
    with pytest.raises(Refusal):
        services.user_suspend(
            consultation=consultation, user=moderator, reason="x", by=consultation_moderator
        )


def test_stranger_cannot_suspend(consultation, person):
    with pytest.raises(Refusal):
        services.user_suspend(consultation=consultation, user=UserFactory(), reason="x", by=person)
    assert not Suspension.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_comment_length_limits(consultation, recommendation, person, body):
    with pytest.raises(Refusal):
        post(consultation, recommendation, person, body=body)


def test_comment_rate_limit(consultation, recommendation, person, settings):
    settings.CONSULTATIONS_COMMENT_RATE = (3, 60)
    for _n in range(3):
        post(consultation, recommendation, person)
    with pytest.raises(Refusal, match="too quickly"):
        post(consultation, recommendation, person)
    post(consultation, recommendation, UserFactory())  # per person


def test_reply_must_stay_in_discussion(consultation, recommendation, person):
    comment = post(consultation, recommendation, person)
    with pytest.raises(Refusal):
        post(consultation, RecommendationFactory(), person, parent=comment)


def test_locked_thread_refuses_replies_and_edits(
    consultation, recommendation, person, consultation_moderator
):
    root = post(consultation, recommendation, person)
    reply = post(consultation, recommendation, UserFactory(), parent=root)
    services.thread_lock(comment=reply, reason="Heated.", by=consultation_moderator)
    root.refresh_from_db()
    assert root.locked_at is not None
    with pytest.raises(Refusal, match="locked"):
        post(consultation, recommendation, person, parent=reply)
    with pytest.raises(Refusal, match="locked"):
        services.comment_edit(comment=root, body="new", by=person)
    with pytest.raises(Refusal, match="locked"):
        services.comment_delete(comment=root, by=person)
    services.thread_unlock(comment=root, by=consultation_moderator)
    root.refresh_from_db()
    post(consultation, recommendation, person, parent=reply)
    assert ModerationAction.objects.filter(action="thread_locked", reason="Heated.").exists()


def test_edit_within_fifteen_minutes_only(consultation, recommendation, person):
    comment = post(consultation, recommendation, person)
    services.comment_edit(comment=comment, body="Better.", by=person)
    comment.refresh_from_db()
    assert comment.body == "Better." and comment.edited_at is not None
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=16)),
        pytest.raises(Refusal, match="15 minutes"),
    ):
        services.comment_edit(comment=comment, body="Later.", by=person)


def test_only_author_edits_or_deletes(consultation, recommendation, person):
    comment = post(consultation, recommendation, person)
    other = UserFactory()
    with pytest.raises(Refusal):
        services.comment_edit(comment=comment, body="Mine now.", by=other)
    with pytest.raises(Refusal):
        services.comment_delete(comment=comment, by=other)


def test_delete_without_replies(consultation, recommendation, person):
    comment = post(consultation, recommendation, person)
    services.comment_delete(comment=comment, by=person)
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""
    assert stats(consultation, recommendation).comment_count == 0


def test_delete_with_replies_keeps_placeholder(consultation, recommendation, person):
    from consultations.selectors import comment_threads

    root = post(consultation, recommendation, person)
    post(consultation, recommendation, UserFactory(), parent=root)
    services.comment_delete(comment=root, by=person)
    threads = comment_threads(
        consultation=consultation, recommendation=recommendation, viewer=person
    ).threads
    assert [t.pk for t in threads] == [root.pk]
    assert threads[0].display == "deleted" and len(threads[0].replies) == 1


def test_deleted_thread_without_replies_disappears(consultation, recommendation, person):
    from consultations.selectors import comment_threads

    root = post(consultation, recommendation, person)
    reply = post(consultation, recommendation, UserFactory(), parent=root)
    services.comment_delete(comment=reply, by=reply.author)
    services.comment_delete(comment=root, by=person)
    assert (
        comment_threads(
            consultation=consultation, recommendation=recommendation, viewer=person
        ).threads
        == []
    )


# --- hiding and flags -----------------------------------------------------------


def test_hidden_comment_visibility(consultation, recommendation, person, consultation_moderator):
    from accounts.tests.factories import mfa_enable
    from consultations.selectors import comment_threads

    mfa_enable(consultation_moderator)

    comment = post(consultation, recommendation, person, body="Rude words.")
    services.comment_flag(comment=comment, reason="offensive", by=UserFactory())
    services.comment_hide(comment=comment, reason="Insulting language.", by=consultation_moderator)
    comment.refresh_from_db()
    assert comment.open_flag_count == 0
    assert stats(consultation, recommendation).comment_count == 0

    def seen_by(viewer):
        return comment_threads(
            consultation=consultation, recommendation=recommendation, viewer=viewer
        ).threads[0]

    stranger = seen_by(UserFactory())
    assert stranger.display == "hidden" and not stranger.show_body
    assert not stranger.show_hidden_reason
    author = seen_by(person)
    assert author.show_body and author.show_hidden_reason
    moderator_view = seen_by(consultation_moderator)
    assert moderator_view.show_body
    from django.contrib.auth.models import AnonymousUser

    assert not seen_by(AnonymousUser()).show_body

    services.comment_restore(comment=comment, by=consultation_moderator)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert stats(consultation, recommendation).comment_count == 1
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "comment_hidden",
        "comment_restored",
    ]


def test_hide_needs_reason_and_moderator(
    consultation, recommendation, person, consultation_moderator
):
    comment = post(consultation, recommendation, person)
    with pytest.raises(Refusal):
        services.comment_hide(comment=comment, reason="", by=consultation_moderator)
    with pytest.raises(Refusal):
        services.comment_hide(comment=comment, reason="Because.", by=UserFactory())
    other_consultation_moderator = UserFactory()
    ConsultationFactory().moderators.add(other_consultation_moderator)
    with pytest.raises(Refusal):
        services.comment_hide(comment=comment, reason="x", by=other_consultation_moderator)


def test_portal_moderator_moderates_every_consultation(
    consultation, recommendation, person, moderator
):
    comment = post(consultation, recommendation, person)
    services.comment_hide(comment=comment, reason="Spam.", by=moderator)


def test_hiding_allowed_after_close(recommendation, person, consultation_moderator, consultation):
    comment = post(consultation, recommendation, person)
    services.consultation_close(consultation=consultation, by=consultation_moderator)
    services.comment_hide(comment=comment, reason="Spam.", by=consultation_moderator)


def test_hidden_comment_cannot_be_answered_edited_or_deleted(
    consultation, recommendation, person, consultation_moderator
):
    comment = post(consultation, recommendation, person)
    services.comment_hide(comment=comment, reason="Spam.", by=consultation_moderator)
    with pytest.raises(Refusal):
        post(consultation, recommendation, UserFactory(), parent=comment)
    with pytest.raises(Refusal):
        services.comment_edit(comment=comment, body="x", by=person)
    with pytest.raises(Refusal):
        services.comment_delete(comment=comment, by=person)


def test_flag_once_per_person(consultation, recommendation, person):
    comment = post(consultation, recommendation, person)
    flagger = UserFactory()
    services.comment_flag(comment=comment, reason="spam", details="Ads.", by=flagger)
    with pytest.raises(Refusal, match="already"):
        services.comment_flag(comment=comment, reason="spam", by=flagger)
    with pytest.raises(Refusal):
        services.comment_flag(comment=comment, reason="nonsense", by=UserFactory())
    with pytest.raises(Refusal):
        services.comment_flag(comment=comment, reason="spam", by=UserFactory(verified=False))
    comment.refresh_from_db()
    assert comment.open_flag_count == 1


def test_dismiss_flags(consultation, recommendation, person, consultation_moderator):
    comment = post(consultation, recommendation, person)
    services.comment_flag(comment=comment, reason="spam", by=UserFactory())
    assert services.comment_flags_dismiss(comment=comment, by=consultation_moderator) == 1
    comment.refresh_from_db()
    assert comment.open_flag_count == 0
    assert Flag.objects.get().resolved_by == consultation_moderator
    with pytest.raises(Refusal):
        services.comment_flags_dismiss(comment=comment, by=consultation_moderator)


# --- endorsements ------------------------------------------------------------------


def endorse(consultation, recommendation, organisation, by, stance=Stance.SUPPORT, **kwargs):
    return services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=stance,
        by=by,
        **kwargs,
    )


def test_representative_endorses(consultation, recommendation, organisation, representative):
    endorsement = endorse(consultation, recommendation, organisation, representative)
    assert endorsement.stance == Stance.SUPPORT
    assert stats(consultation, recommendation).support_count == 1
    consultation.refresh_from_db()
    assert consultation.endorsement_count == 1
    assert Activity.objects.filter(verb="endorsement_set", organisation=organisation).exists()


def test_member_cannot_endorse(consultation, recommendation, organisation, member):
    with pytest.raises(Refusal, match="representative"):
        endorse(consultation, recommendation, organisation, member)
    assert not Endorsement.objects.exists()


def test_non_member_cannot_endorse(consultation, recommendation, organisation, person):
    with pytest.raises(Refusal, match="represent"):
        endorse(consultation, recommendation, organisation, person)


def test_pending_organisation_cannot_endorse(consultation, recommendation):
    pending = OrganisationFactory(status=VerificationStatus.PENDING)
    user = MembershipFactory(organisation=pending).user
    with pytest.raises(Refusal, match="verified"):
        endorse(consultation, recommendation, pending, user)


def test_unverified_email_cannot_endorse(consultation, recommendation, organisation):
    user = MembershipFactory(organisation=organisation, user=UserFactory(verified=False)).user
    with pytest.raises(Refusal, match="email"):
        endorse(consultation, recommendation, organisation, user)


def test_suspended_representative_cannot_endorse(
    consultation, recommendation, organisation, representative, consultation_moderator
):
    services.user_suspend(
        consultation=consultation, user=representative, reason="x", by=consultation_moderator
    )
    with pytest.raises(Refusal, match="suspended"):
        endorse(consultation, recommendation, organisation, representative)


def test_endorse_refused_when_consultation_closed(recommendation, organisation, representative):
    closed = ConsultationFactory(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
    )
    with pytest.raises(Refusal, match="closed"):
        endorse(closed, recommendation, organisation, representative)


@pytest.mark.parametrize("stance", [Stance.RESERVATIONS, Stance.OPPOSE])
def test_dissent_needs_a_statement(
    consultation, recommendation, organisation, representative, stance
):
    with pytest.raises(Refusal, match="statement"):
        endorse(consultation, recommendation, organisation, representative, stance=stance)
    endorse(
        consultation, recommendation, organisation, representative, stance=stance, statement="Why."
    )


def test_database_refuses_dissent_without_statement(consultation, recommendation, organisation):
    with pytest.raises(IntegrityError):
        Endorsement.objects.create(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=Stance.OPPOSE,
        )


def test_database_refuses_second_endorsement(consultation, recommendation, organisation):
    Endorsement.objects.create(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.SUPPORT,
    )
    with pytest.raises(IntegrityError):
        Endorsement.objects.create(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=Stance.SUPPORT,
        )


def test_change_and_withdraw_keep_history(
    consultation, recommendation, organisation, representative
):
    endorse(consultation, recommendation, organisation, representative)
    endorse(
        consultation,
        recommendation,
        organisation,
        representative,
        stance=Stance.RESERVATIONS,
        statement="Only with safeguards.",
    )
    row = stats(consultation, recommendation)
    assert (row.support_count, row.reservations_count) == (0, 1)
    endorsement = Endorsement.objects.get()
    services.endorsement_withdraw(endorsement=endorsement, by=representative)
    row.refresh_from_db()
    assert row.endorsement_total == 0
    consultation.refresh_from_db()
    assert consultation.endorsement_count == 0
    with pytest.raises(Refusal):
        services.endorsement_withdraw(endorsement=endorsement, by=representative)
    endorse(consultation, recommendation, organisation, representative, stance=Stance.SUPPORT)
    assert Endorsement.objects.count() == 1
    changes = list(EndorsementChange.objects.order_by("id"))
    assert [(c.stance, c.withdrawn) for c in changes] == [
        ("support", False),
        ("reservations", False),
        ("", True),
        ("support", False),
    ]
    verbs = list(
        Activity.objects.filter(verb__startswith="endorsement")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "endorsement_set",
        "endorsement_changed",
        "endorsement_withdrawn",
        "endorsement_set",
    ]


def test_same_stance_twice_changes_nothing(
    consultation, recommendation, organisation, representative
):
    endorse(consultation, recommendation, organisation, representative)
    endorse(consultation, recommendation, organisation, representative)
    assert EndorsementChange.objects.count() == 1
    assert stats(consultation, recommendation).support_count == 1


def test_withdraw_refused_after_close(consultation, recommendation, organisation, representative):
    endorsement = endorse(consultation, recommendation, organisation, representative)
    with (
        time_machine.travel(consultation.closes_at + timedelta(minutes=1)),
        pytest.raises(Refusal),
    ):
        services.endorsement_withdraw(endorsement=endorsement, by=representative)


def test_cosign_a_statement(consultation, recommendation, organisation, representative):
    original = endorse(
        consultation,
        recommendation,
        organisation,
        representative,
        stance=Stance.OPPOSE,
        statement="It ignores migrants' rights.",
    )
    other = MembershipFactory().organisation
    other_rep = other.memberships.get().user
    cosigned = endorse(consultation, recommendation, other, other_rep, stance="", cosign=original)
    assert cosigned.cosigned == original
    assert (cosigned.stance, cosigned.statement) == (Stance.OPPOSE, original.statement)
    third = MembershipFactory().organisation
    chained = endorse(
        consultation,
        recommendation,
        third,
        third.memberships.get().user,
        stance="",
        cosign=cosigned,
    )
    assert chained.cosigned == original
    assert stats(consultation, recommendation).oppose_count == 3


def test_cannot_cosign_support_or_own(consultation, recommendation, organisation, representative):
    support = endorse(consultation, recommendation, organisation, representative)
    other = MembershipFactory().organisation
    with pytest.raises(Refusal):
        endorse(
            consultation,
            recommendation,
            other,
            other.memberships.get().user,
            stance="",
            cosign=support,
        )
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.OPPOSE,
        statement="No.",
        by=representative,
    )
    own = Endorsement.objects.get(organisation=organisation)
    with pytest.raises(Refusal):
        endorse(consultation, recommendation, organisation, representative, stance="", cosign=own)


def test_statement_length(consultation, recommendation, organisation, representative):
    with pytest.raises(Refusal):
        endorse(
            consultation,
            recommendation,
            organisation,
            representative,
            stance=Stance.OPPOSE,
            statement="x" * 3001,
        )


# --- follows and synthesis -------------------------------------------------------


def test_follow_and_unfollow(consultation, recommendation, person):
    services.follow_set(consultation=consultation, by=person)
    services.follow_set(consultation=consultation, by=person)
    services.follow_set(recommendation=recommendation, by=person)
    assert Follow.objects.count() == 2
    assert services.follow_remove(consultation=consultation, by=person)
    assert not services.follow_remove(consultation=consultation, by=person)
    with pytest.raises(Refusal):
        services.follow_set(by=person)
    assert list(Activity.objects.order_by("id").values_list("verb", flat=True)) == [
        "followed",
        "followed",
        "unfollowed",
    ]


def test_unverified_cannot_follow(consultation):
    with pytest.raises(Refusal):
        services.follow_set(consultation=consultation, by=UserFactory(verified=False))


def test_synthesis_by_moderators_only(consultation, recommendation, consultation_moderator, person):
    with pytest.raises(Refusal):
        services.synthesis_write(
            consultation=consultation, recommendation=recommendation, body="x", by=person
        )
    services.synthesis_write(
        consultation=consultation,
        recommendation=recommendation,
        body="Broad support.",
        by=consultation_moderator,
    )
    services.synthesis_write(
        consultation=consultation,
        recommendation=recommendation,
        body="Broad support, two objections.",
        by=consultation_moderator,
    )
    assert Synthesis.objects.get().body == "Broad support, two objections."
    assert ModerationAction.objects.filter(action="synthesis_written").count() == 2


def test_forum_dates(moderator):
    with pytest.raises(Refusal):
        services.forum_create(
            name="x",
            city="y",
            country="PH",
            starts_on=date(2008, 10, 30),
            ends_on=date(2008, 10, 27),
            by=moderator,
        )
    forum = services.forum_create(
        name="Manila",
        city="Manila",
        country="PH",
        starts_on=date(2008, 10, 27),
        ends_on=date(2008, 10, 30),
        by=moderator,
    )
    assert ModerationAction.objects.get().action == "forum_created"
    assert forum.pk


def test_comment_factory_is_raw(consultation):
    comment = CommentFactory(consultation=consultation)
    assert comment.pk and not RecommendationStats.objects.exists()


def test_privacy_export_and_erase(consultation, recommendation, person):
    from consultations import privacy

    services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Mine.", by=person
    )
    services.follow_set(consultation=consultation, by=person)
    data = privacy.export_user_data(person)
    assert data["comments"][0]["body"] == "Mine."
    assert len(data["follows"]) == 1
    privacy.erase_user_data(person)
    assert not Follow.objects.filter(user=person).exists()
    assert not PersonParticipation.objects.filter(user=person).exists()
    assert Comment.objects.filter(author=person).exists()


def test_window_events_recorded_once(moderator):
    from consultations.tasks import consultation_window_events

    now = timezone.now()
    closing = ConsultationFactory(
        opens_at=now - timedelta(days=5), closes_at=now + timedelta(hours=10)
    )
    ConsultationFactory(opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=9))
    assert consultation_window_events.delay().get() == 2  # opened, closing soon
    assert services.consultation_window_events_record() == 0
    with time_machine.travel(now + timedelta(hours=11)):
        assert services.consultation_window_events_record() == 1
    verbs = set(Activity.objects.filter(consultation=closing).values_list("verb", flat=True))
    assert verbs == {"consultation_opened", "consultation_closing_soon", "consultation_closed"}
