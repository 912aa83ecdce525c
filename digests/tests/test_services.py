import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_record
from consultations import services as consultation_services
from consultations.models import Follow
from digests import content, services
from digests.content import DigestBuilder
from digests.models import DigestDelivery, DigestRun
from digests.selectors import digest_due_user_ids

from .factories import (
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def follower_of(recommendation, **fields):
    user = UserFactory(digest_frequency="daily", **fields)
    Follow.objects.create(user=user, recommendation=recommendation)
    return user


def comment(consultation, recommendation, body="A thoughtful comment.", **kwargs):
    author = kwargs.pop("by", None) or UserFactory()
    return consultation_services.comment_create(
        consultation=consultation, recommendation=recommendation, body=body, by=author, **kwargs
    )


def run_daily(capture, **kwargs):
    with capture(execute=True):
        return services.digest_run_for_everyone(frequency="daily", now=timezone.now(), **kwargs)


def digests_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_activity_becomes_a_digest_grouped_with_counts_excerpts_and_links(
    consultation, recommendation, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://portal.example.org"
    follower = follower_of(recommendation)
    comment(consultation, recommendation, body="We *support* this <b>strongly</b>.")
    comment(consultation, recommendation, body="Another view.")
    run = run_daily(django_capture_on_commit_callbacks)
    (message,) = digests_to(follower)
    assert "2 new items" in message.subject
    assert "Brussels consultation" in message.body
    assert "Open a portal for civil society" in message.body
    assert "2 new comments" in message.body
    assert "We *support* this strongly." in message.body
    assert "https://portal.example.org/" in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "<b>" not in html and "strongly" in html
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://portal.example.org/digests/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://portal.example.org/profile/" in message.body
    delivery = DigestDelivery.objects.get(user=follower)
    assert delivery.status == DigestDelivery.Status.SENT
    assert delivery.item_count == 2
    run.refresh_from_db()
    assert run.sent_count == 1
    assert run.finished_at is not None


def test_nothing_new_sends_no_email(django_capture_on_commit_callbacks, recommendation):
    follower = follower_of(recommendation)
    run = run_daily(django_capture_on_commit_callbacks)
    assert digests_to(follower) == []
    assert not DigestDelivery.objects.exists()
    run.refresh_from_db()
    assert run.skipped_count == 1 and run.sent_count == 0


def test_a_second_run_for_the_same_period_sends_nothing(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation)
    comment(consultation, recommendation)
    run_daily(django_capture_on_commit_callbacks)
    comment(consultation, recommendation, body="Later the same day.")
    run = run_daily(django_capture_on_commit_callbacks)
    assert len(digests_to(follower)) == 1
    run.refresh_from_db()
    assert run.sent_count == 0 and run.skipped_count == 1
    assert DigestDelivery.objects.filter(user=follower).count() == 1


def test_the_next_period_starts_where_the_last_digest_ended(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation)
    comment(consultation, recommendation, body="First day.")
    run_daily(django_capture_on_commit_callbacks)
    comment(consultation, recommendation, body="Second day.")
    tomorrow = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.digest_run_for_everyone(frequency="daily", now=tomorrow)
    first, second = digests_to(follower)
    assert "First day." in first.body
    assert "Second day." in second.body and "First day." not in second.body


def test_own_actions_are_never_in_ones_digest(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation)
    comment(consultation, recommendation, body="My own words.", by=follower)
    run_daily(django_capture_on_commit_callbacks)
    assert digests_to(follower) == []


def test_hidden_comments_are_left_out(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation)
    hidden = comment(consultation, recommendation, body="Something offensive.")
    comment(consultation, recommendation, body="A fair point.")
    moderator = ModeratorFactory()
    consultation.moderators.add(moderator)
    consultation_services.comment_hide(comment=hidden, reason="Offensive.", by=moderator)
    run_daily(django_capture_on_commit_callbacks)
    (message,) = digests_to(follower)
    assert "A fair point." in message.body
    assert "Something offensive." not in message.body
    assert "Something offensive." not in message.alternatives[0][0]


def test_at_risk_organisations_are_masked_even_for_moderators(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(
        name="Secret Defenders", country="SY", region="Western Asia", is_at_risk=True
    )
    representative = MembershipFactory(organisation=organisation).user
    follower = follower_of(recommendation, is_moderator=True)
    consultation_services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance="support",
        by=representative,
    )
    comment(
        consultation,
        recommendation,
        body="Speaking for us.",
        by=representative,
        organisation=organisation,
    )
    run_daily(django_capture_on_commit_callbacks)
    (message,) = digests_to(follower)
    assert "Secret Defenders" not in message.body
    assert "Secret Defenders" not in message.alternatives[0][0]
    assert "an organisation from Western Asia" in message.body
    assert "took a stance: Support." in message.body


def test_the_digest_is_in_the_persons_language(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation, interface_language="fr")
    comment(consultation, recommendation)
    run_daily(django_capture_on_commit_callbacks)
    (message,) = digests_to(follower)
    assert "nouveau" in message.subject
    assert "commentaire" in message.body
    assert '<html lang="fr">' in message.alternatives[0][0]


def test_replies_to_me_reach_me_without_following(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    author = UserFactory(digest_frequency="daily")
    with django_capture_on_commit_callbacks(execute=False):
        first = CommentFactory_by(consultation, recommendation, author)
    comment(consultation, recommendation, body="I disagree with you.", parent=first)
    run_daily(django_capture_on_commit_callbacks)
    digest = [m for m in digests_to(author) if "digest" in m.subject.lower()]
    assert len(digest) == 1
    assert "I disagree with you." in digest[0].body
    assert "reply to you" in digest[0].body


def CommentFactory_by(consultation, recommendation, author):
    from consultations.models import Comment

    return Comment.objects.create(
        consultation=consultation, recommendation=recommendation, author=author, body="Mine."
    )


def test_new_verbs_still_show_with_generic_wording(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = UserFactory(digest_frequency="daily")
    Follow.objects.create(user=follower, consultation=consultation)
    activity_record(
        verb="position_frobnicated",
        target=RecommendationFactory(title="A joint position"),
        actor=UserFactory(),
        consultation=consultation,
    )
    run_daily(django_capture_on_commit_callbacks)
    (message,) = digests_to(follower)
    assert "Update: Position frobnicated." in message.body
    assert "A joint position" in message.body


def test_a_smtp_failure_is_recorded_and_the_next_run_sends_it(
    consultation, recommendation, django_capture_on_commit_callbacks, monkeypatch
):
    follower = follower_of(recommendation)
    comment(consultation, recommendation)

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refuse)
        run = run_daily(django_capture_on_commit_callbacks)
    delivery = DigestDelivery.objects.get(user=follower)
    assert delivery.status == DigestDelivery.Status.FAILED
    assert "gone" in delivery.error
    run.refresh_from_db()
    assert run.failed_count == 1
    run_daily(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == DigestDelivery.Status.SENT
    assert delivery.attempts == 2
    assert len(digests_to(follower)) == 1


@pytest.mark.django_db(transaction=True)
def test_dry_run_builds_but_sends_nothing(consultation, recommendation, capsys):
    follower_of(recommendation)
    comment(consultation, recommendation)
    call_command("send_digests", "--frequency", "daily", "--dry-run")
    assert "1 would be sent" in capsys.readouterr().out
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()
    assert DigestRun.objects.get().dry_run


@pytest.mark.django_db(transaction=True)
def test_the_command_sends_the_digests(consultation, recommendation, capsys):
    follower = follower_of(recommendation)
    comment(consultation, recommendation)
    call_command("send_digests", "--frequency", "daily")
    assert "1 sent" in capsys.readouterr().out
    assert len(digests_to(follower)) == 1


def test_building_one_digest_takes_a_constant_number_of_queries(
    consultation, django_assert_max_num_queries
):
    light = UserFactory(digest_frequency="daily")
    heavy = UserFactory(digest_frequency="daily")
    recommendations = [RecommendationFactory() for _ in range(12)]
    Follow.objects.create(user=light, recommendation=recommendations[0])
    for recommendation in recommendations:
        Follow.objects.create(user=heavy, recommendation=recommendation)
        for _ in range(3):
            comment(consultation, recommendation)
    Follow.objects.create(user=heavy, consultation=consultation)
    end = timezone.now() + timedelta(seconds=1)
    counts = []
    digests = []
    for person in (light, heavy):
        # Each build starts from nothing: no window shared from the previous one.
        content._WINDOWS.clear()
        with CaptureQueriesContext(connection) as queries:
            digests.append(services.digest_build(user=person, frequency="daily", end=end))
        counts.append(len(queries))
    light_digest, heavy_digest = digests
    assert counts[0] == counts[1] <= 16
    with django_assert_max_num_queries(6):
        services.digest_build(user=heavy, frequency="daily", end=end)
    assert light_digest.item_count == 3
    assert heavy_digest.item_count == 36


def test_sections_are_built_once_and_shared(consultation, recommendation):
    people = [follower_of(recommendation) for _ in range(5)]
    for _ in range(3):
        comment(consultation, recommendation)
    end = timezone.now() + timedelta(seconds=1)
    from digests.selectors import digest_periods

    builder = DigestBuilder(frequency="daily")
    periods, _done = digest_periods(users=people, frequency="daily", end=end)
    builder.load(people, periods)
    for person in people:
        assert builder.digest_for(person, unsubscribe_url="x")
    assert len(builder._section_cache) == 1


def test_the_hourly_schedule_picks_people_at_six_in_their_time_zone():
    paris = UserFactory(digest_frequency="daily", time_zone="Europe/Paris")
    tokyo = UserFactory(digest_frequency="daily", time_zone="Asia/Tokyo")
    weekly_today = UserFactory(
        digest_frequency="weekly", time_zone="Europe/Paris", digest_weekday=0
    )
    weekly_other_day = UserFactory(
        digest_frequency="weekly", time_zone="Europe/Paris", digest_weekday=3
    )
    UserFactory(digest_frequency="off", time_zone="Europe/Paris")
    # Monday 30 November 2026, 05:00 UTC = 06:00 in Paris, 14:00 in Tokyo.
    now = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    assert digest_due_user_ids(frequency="daily", now=now) == [paris.pk]
    assert digest_due_user_ids(frequency="weekly", now=now) == [weekly_today.pk]
    assert weekly_other_day.pk not in digest_due_user_ids(frequency="weekly", now=now)
    assert digest_due_user_ids(frequency="daily", now=now - timedelta(hours=8)) == [tokyo.pk]


def test_the_scheduled_task_sends_to_the_people_due(
    consultation, recommendation, django_capture_on_commit_callbacks, monkeypatch
):
    from digests import tasks

    follower = follower_of(recommendation, time_zone="UTC")
    other = follower_of(recommendation, time_zone="Asia/Tokyo")
    comment(consultation, recommendation)
    six = timezone.now().replace(hour=6, minute=0, second=0, microsecond=0)
    if six < timezone.now():
        six += timedelta(days=1)
    monkeypatch.setattr(tasks.timezone, "now", lambda: six + timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.digests_schedule.delay()
    assert len(digests_to(follower)) == 1
    assert digests_to(other) == []
    assert DigestRun.objects.get().trigger == DigestRun.Trigger.SCHEDULE


def test_inactive_and_unverified_people_get_no_digest(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    unverified = follower_of(recommendation, verified=False)
    gone = follower_of(recommendation, is_active=False)
    comment(consultation, recommendation)
    run_daily(django_capture_on_commit_callbacks)
    assert digests_to(unverified) == [] and digests_to(gone) == []


def test_activity_rows_outside_the_scope_are_ignored(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation)
    comment(consultation, RecommendationFactory(), body="Elsewhere.")
    run_daily(django_capture_on_commit_callbacks)
    assert digests_to(follower) == []
    assert Activity.objects.count() == 1


def test_own_comments_are_left_out_of_a_section_others_share(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    follower = follower_of(recommendation)
    other = follower_of(recommendation)
    comment(consultation, recommendation, body="Words of the follower.", by=follower)
    comment(consultation, recommendation, body="Words of someone else.")
    run_daily(django_capture_on_commit_callbacks)
    (mine,) = digests_to(follower)
    (theirs,) = digests_to(other)
    assert "Words of the follower." not in mine.body
    assert "Words of someone else." in mine.body and "1 new comment" in mine.body
    assert "Words of the follower." in theirs.body and "2 new comments" in theirs.body


def test_a_batch_with_smtp_failures_is_retried_for_those_people_only(
    consultation, recommendation, monkeypatch
):
    from digests import tasks

    ok, failing = follower_of(recommendation), follower_of(recommendation)
    comment(consultation, recommendation)
    original_send = EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.to == [failing.email]:
            raise smtplib.SMTPRecipientsRefused({failing.email: (450, b"busy")})
        return original_send(self, fail_silently)

    class Retried(Exception):
        pass

    retried = {}

    def retry(**kwargs):
        retried.update(kwargs)
        return Retried()

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    monkeypatch.setattr(tasks.digest_batch_send, "retry", retry)
    run = DigestRun.objects.create(frequency="daily", trigger="command", batch_count=1)
    with pytest.raises(Retried):
        # Called as a worker would, not eagerly: the first attempt of five.
        tasks.digest_batch_send.run(
            user_ids=[ok.pk, failing.pk],
            frequency="daily",
            end=timezone.now().isoformat(),
            run_id=run.pk,
        )
    assert retried["kwargs"]["user_ids"] == [failing.pk]
    assert retried["countdown"] >= 0
    assert len(digests_to(ok)) == 1
    run.refresh_from_db()
    assert (run.sent_count, run.failed_count, run.batches_done) == (1, 0, 0)
    assert DigestDelivery.objects.get(user=failing).status == DigestDelivery.Status.FAILED


def test_position_activity_is_grouped_under_its_position_with_masked_names(
    consultation, django_capture_on_commit_callbacks
):
    from positions.tests.factories import PositionFactory, PositionRevisionFactory

    lead = OrganisationFactory(
        name="Quiet Network", country="SY", region="Western Asia", is_at_risk=True
    )
    position = PositionFactory(
        consultation=consultation, title="Remittances", lead_organisation=lead
    )
    revision = PositionRevisionFactory(position=position)
    follower = UserFactory(digest_frequency="daily")
    Follow.objects.create(user=follower, consultation=consultation)
    actor = UserFactory()
    data = {"position_id": position.pk, "title": position.title}
    for verb, target in [("position_created", position), ("position_revised", revision)]:
        activity_record(
            verb=verb,
            target=target,
            actor=actor,
            organisation=lead,
            consultation=consultation,
            data=data,
        )
    run_daily(django_capture_on_commit_callbacks)
    (message,) = digests_to(follower)
    assert "* Remittances" in message.body
    assert "an organisation from Western Asia started a position: Remittances." in message.body
    assert "A new revision of Remittances was saved." in message.body
    assert "2 other updates" in message.body
    assert "Quiet Network" not in message.body + message.alternatives[0][0]
