import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organisation, OrganisationKind, User
from consultations.management.commands.load_demo_data import DEMO_PASSWORD, MODERATOR_EMAIL
from consultations.models import Comment, Consultation, Endorsement, Stance

from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def test_demo_data_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_data")
    assert not User.objects.exists()


def test_demo_data_is_complete_and_idempotent(client):
    RecommendationFactory.create_batch(16)
    call_command("load_demo_data")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Consultation.objects.count(),
        Comment.objects.count(),
        Endorsement.objects.count(),
    )
    call_command("load_demo_data")
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Consultation.objects.count(),
        Comment.objects.count(),
        Endorsement.objects.count(),
    )
    statuses = {c.forum.city: c.status for c in Consultation.objects.select_related("forum")}
    assert statuses == {"Brussels": "closed", "Manila": "open"}
    verified = Organisation.objects.verified()
    assert verified.count() >= 30
    assert set(verified.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert verified.values("region").distinct().count() == 17
    assert verified.filter(is_at_risk=True).count() == 1
    assert set(Endorsement.objects.values_list("stance", flat=True)) == set(Stance.values)
    assert Endorsement.objects.filter(cosigned__isnull=False).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(hidden_at__isnull=False).exists()
    moderator = User.objects.get(email=MODERATOR_EMAIL)
    assert moderator.is_portal_moderator
    assert Authenticator.objects.filter(user=moderator, type="totp").exists()
    assert client.login(email="rep1@demo.gfmd.example", password=DEMO_PASSWORD)


def test_demo_data_without_report_explains_and_writes_nothing():
    from io import StringIO

    errors = StringIO()
    call_command("load_demo_data", stderr=errors)
    assert "import_report" in errors.getvalue()
    assert not Consultation.objects.exists()
