"""Demo positions for the open Manila consultation, written through the services."""

from django.conf import settings
from django.db import transaction

from accounts.models import Organisation, User
from consultations.models import Consultation
from recommendations.models import Recommendation

from . import services
from .models import Decision, Position, PositionStatus

MANILA_TITLE = "Online consultation before the Manila Forum meeting"
DEMO_DOMAIN = "demo.gfmd.example"

REMITTANCES = """Remittances are private money earned by migrants and sent to their families. \
They must never be treated as a substitute for official development assistance.

Governments should bring the cost of sending remittances below three per cent by 2012, \
by opening payment systems to competition and publishing comparable prices.

Migrants and their families should have access to bank accounts, savings and credit in \
both the country of origin and the country of destination."""

DOMESTIC_WORK = """Domestic workers, most of them women, are workers like any other and \
must be covered by labour law in every country where they work.

Recruitment fees must be paid by employers, never by workers, and passports must stay \
with the workers who hold them.

Governments should ratify and apply the core conventions on the rights of migrant workers."""

DIASPORA = """Diaspora organisations are partners in development, not channels for money. \
They should be consulted when development plans for their regions of origin are drawn up.

Hometown associations need simple ways to co-finance local projects with public funds.

Return should be voluntary, and skills gained abroad should be recognised at home."""


def _user(number: int, prefix: str = "rep") -> User | None:
    return User.objects.filter(email=f"{prefix}{number}@{DEMO_DOMAIN}").first()


def _organisation(user: User) -> Organisation:
    return user.memberships.select_related("organisation").first().organisation


def load_demo_positions() -> int:
    """Create three demo positions if the Manila demo consultation exists; idempotent."""
    if getattr(settings, "PRODUCTION", False):
        return 0
    consultation = Consultation.objects.filter(title=MANILA_TITLE).first()
    people = {n: _user(n) for n in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 37)}
    member = _user(3, "member")
    if consultation is None or not consultation.is_open or None in people.values() or not member:
        return 0
    if Position.objects.filter(consultation=consultation).exists():
        return 0
    recommendations = list(Recommendation.objects.order_by("session__number", "number")[:6])
    orgs = {n: _organisation(user) for n, user in people.items()}
    with transaction.atomic():
        _remittances(consultation, people, orgs, recommendations)
        _domestic_work(consultation, people, orgs, recommendations)
        _diaspora(consultation, people, orgs, member, recommendations)
    return 3


def _sign(position, people, orgs, numbers) -> None:
    for n in numbers:
        services.signature_add(position=position, organisation=orgs[n], by=people[n])


def _remittances(consultation, people, orgs, recommendations) -> None:
    position = services.position_create(
        consultation=consultation,
        title="Remittances that reach families",
        lead_organisation=orgs[1],
        co_editing_organisations=[orgs[2]],
        recommendations=recommendations[:2],
        body=REMITTANCES.replace("three per cent by 2012", "five per cent"),
        by=people[1],
    )
    services.position_revise(
        position=position,
        body=REMITTANCES,
        message="A dated, measurable target.",
        base_number=1,
        by=people[2],
    )
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=people[1])
    _sign(position, people, orgs, [1, 2, 6, 37])


def _domestic_work(consultation, people, orgs, recommendations) -> None:
    position = services.position_create(
        consultation=consultation,
        title="Decent work for domestic workers",
        lead_organisation=orgs[4],
        recommendations=recommendations[2:4],
        body=DOMESTIC_WORK,
        by=people[4],
    )
    amendment = services.amendment_propose(
        position=position,
        paragraph_index=2,
        base_number=1,
        proposed_text=(
            "Governments should ratify and apply the International Convention on the "
            "Protection of the Rights of All Migrant Workers and Members of Their Families."
        ),
        justification="Name the convention, so that delegates can cite it.",
        by=people[5],
    )
    services.amendment_accept(amendment=amendment, by=people[4])
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=people[4])
    _sign(position, people, orgs, [4, 5, 3])
    services.position_status_change(position=position, status=PositionStatus.FINAL, by=people[4])


def _diaspora(consultation, people, orgs, member, recommendations) -> None:
    position = services.position_create(
        consultation=consultation,
        title="Diaspora organisations as partners in development",
        lead_organisation=orgs[3],
        co_editing_organisations=[orgs[9]],
        recommendations=recommendations[4:6],
        body=DIASPORA,
        by=people[3],
    )
    services.position_editor_add(position=position, user=member, organisation=orgs[3], by=people[3])
    comment = services.paragraph_comment_create(
        position=position,
        paragraph_index=0,
        base_number=1,
        body="Could we name a few examples of consultations that worked?",
        by=people[11],
    )
    services.paragraph_comment_create(
        position=position,
        paragraph_index=1,
        base_number=1,
        body="Matching funds worked well in Mexico's three-for-one programme.",
        by=people[12],
    )
    services.amendment_propose(
        position=position,
        paragraph_index=2,
        base_number=1,
        proposed_text=(
            "Return should always be voluntary, and qualifications and skills gained abroad "
            "should be recognised at home without cost to the returning migrant."
        ),
        justification="Recognition is often too expensive for those who return.",
        by=people[10],
    )
    services.paragraph_comment_resolve(
        comment=comment,
        decision=Decision.NOT_TAKEN_UP,
        reason="Examples belong in the annex rather than in the position itself.",
        by=people[3],
    )
