import pytest
from django.core import mail

from consultations import services as consultation_services
from consultations.models import Comment
from digests import services, tasks
from digests.models import NotificationKind, NotificationPreference, OutboxMessage

from .factories import ModeratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def reply_to(consultation, recommendation, author, body="I answer you."):
    first = Comment.objects.create(
        consultation=consultation, recommendation=recommendation, author=author, body="Mine."
    )
    return consultation_services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body=body,
        parent=first,
        by=UserFactory(display_name="Amina"),
    )


def test_a_reply_emails_the_author_at_once_through_the_outbox(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        reply_to(consultation, recommendation, author, body="I answer <i>you</i>.")
    message = OutboxMessage.objects.get()
    assert message.user == author and message.sent_at is not None
    (email,) = mail.outbox
    assert email.to == [author.email]
    assert "Amina replied to your comment" in email.subject
    assert "I answer you." in email.body
    assert "<i>" not in email.alternatives[0][0]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_outbox_keeps_the_message_when_the_broker_is_down(
    consultation, recommendation, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    author = UserFactory()
    with monkeypatch.context() as patch:
        patch.setattr(tasks.outbox_drain, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            reply_to(consultation, recommendation, author)
    message = OutboxMessage.objects.get()
    assert message.is_pending
    assert mail.outbox == []
    # The beat catch-up runs later and sends it.
    assert tasks.outbox_drain.delay().get() == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert len(mail.outbox) == 1
    assert services.outbox_drain() == 0


def test_the_outbox_row_rolls_back_with_the_event(consultation, recommendation):
    author = UserFactory()
    first = Comment.objects.create(
        consultation=consultation, recommendation=recommendation, author=author, body="Mine."
    )
    with pytest.raises(RuntimeError), __import__("django").db.transaction.atomic():
        consultation_services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body="Reply.",
            parent=first,
            by=UserFactory(),
        )
        raise RuntimeError("the write failed")
    assert not OutboxMessage.objects.exists()


def test_no_notification_for_replying_to_oneself(consultation, recommendation):
    author = UserFactory()
    first = Comment.objects.create(
        consultation=consultation, recommendation=recommendation, author=author, body="Mine."
    )
    consultation_services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Me again.",
        parent=first,
        by=author,
    )
    assert not OutboxMessage.objects.exists()


def test_each_notification_kind_can_be_turned_off(consultation, recommendation):
    author = UserFactory()
    services.notification_preferences_update(user=author, by=author, comment_reply=False)
    reply_to(consultation, recommendation, author)
    assert not OutboxMessage.objects.exists()


def test_a_message_for_a_comment_hidden_before_sending_is_dropped(consultation, recommendation):
    author = UserFactory()
    reply = reply_to(consultation, recommendation, author)
    moderator = ModeratorFactory()
    consultation.moderators.add(moderator)
    consultation_services.comment_hide(comment=reply, reason="Abusive.", by=moderator)
    assert services.outbox_drain() == 0
    assert OutboxMessage.objects.get().abandoned_at is not None
    assert mail.outbox == []


def test_a_failed_send_is_retried_later(consultation, recommendation, monkeypatch):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    author = UserFactory()
    reply_to(consultation, recommendation, author)

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refuse)
        assert services.outbox_drain() == 0
    message = OutboxMessage.objects.get()
    assert message.attempts == 1 and message.is_pending
    assert services.outbox_drain() == 0  # not due yet: backoff
    assert services.outbox_drain(now=message.next_attempt_at) == 1


def test_organisation_decision_goes_through_the_outbox_masked_and_translated(
    django_capture_on_commit_callbacks,
):
    from accounts import services as account_services

    requester = UserFactory(interface_language="fr")
    organisation = OrganisationFactory(
        name="Hidden Helpers",
        status="pending",
        created_by=requester,
        is_at_risk=True,
        region="Western Asia",
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_services.organisation_verify(organisation=organisation, by=ModeratorFactory())
    assert OutboxMessage.objects.get().kind == NotificationKind.ORGANISATION_DECIDED
    (email,) = mail.outbox
    assert "Hidden Helpers" not in email.subject + email.body
    assert "vérifié" in email.subject


def test_preferences_are_created_lazily(consultation, recommendation):
    author = UserFactory()
    reply_to(consultation, recommendation, author)
    assert not NotificationPreference.objects.exists()
    assert OutboxMessage.objects.count() == 1
