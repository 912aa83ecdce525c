import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.tests.factories import ModeratorFactory, OrganisationFactory
from activity.models import Activity, ModerationAction
from activity.services import activity_record, moderation_action_record
from consultations.tests.factories import ConsultationFactory
from recommendations.tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def test_activity_record_points_at_its_target_and_context():
    organisation = OrganisationFactory()
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    moderator = ModeratorFactory()

    row = activity_record(
        verb=Activity.Verb.ORGANISATION_VERIFIED,
        target=organisation,
        actor=moderator,
        organisation=organisation,
        consultation=consultation,
        recommendation=recommendation,
    )

    row.refresh_from_db()
    assert row.target == organisation
    assert row.target_type == ContentType.objects.get_for_model(organisation)
    assert (row.actor, row.consultation, row.recommendation) == (
        moderator,
        consultation,
        recommendation,
    )
    assert row.data == {}
    assert list(consultation.activities.all()) == [row]


def test_moderation_action_record_keeps_the_target_label_within_its_column():
    organisation = OrganisationFactory(name="A" * 200)
    moderator = ModeratorFactory()

    row = moderation_action_record(
        actor=moderator,
        action=ModerationAction.Action.ORGANISATION_VERIFIED,
        target=organisation,
        reason="Known to the secretariat.",
        label="B" * 400,
    )

    row.refresh_from_db()
    assert row.target == organisation
    assert row.target_label == "B" * 300
    assert row.get_action_display() == "Organisation verified"
    assert row.consultation is None


def test_the_tables_keep_their_names_from_consultations():
    assert Activity._meta.db_table == "consultations_activity"
    assert ModerationAction._meta.db_table == "consultations_moderationaction"
