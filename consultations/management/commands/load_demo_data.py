"""Demo data for a development portal: two Forum meetings, organisations, a debate.

Never in production. Idempotent: people, organisations, Forum meetings and
consultations are found by their email, name or title; the debate is written
only into a consultation that has none yet. The accounts are listed in
docs/demo.md.
"""

import random
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from accounts.regions import region_for_country
from activity.models import Activity, ModerationAction
from consultations import services
from consultations.models import (
    Comment,
    Consultation,
    Endorsement,
    EndorsementChange,
    Flag,
    Forum,
    Stance,
)
from recommendations.models import Recommendation

DEMO_PASSWORD = "demo-portal-2008"  # noqa: S105 - published demo accounts, refused in production
DEMO_DOMAIN = "demo.gfmd.example"
# Base32 secret of the demo moderator's authenticator app (docs/demo.md).
MODERATOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPGFMDDEMO"  # noqa: S105 - demo only
MODERATOR_EMAIL = f"moderator@{DEMO_DOMAIN}"
BRUSSELS_TITLE = "Online consultation before the Brussels Civil Society Day"
MANILA_TITLE = "Online consultation before the Manila Forum meeting"

# name, kind, country; one per line, every kind and region represented.
ORGANISATIONS = [
    ("Migrant Rights Network Manila", OrganisationKind.NGO, "PH"),
    ("Kababayan Overseas Workers' Association", OrganisationKind.DIASPORA, "PH"),
    ("Centre for Migration Studies Dakar", OrganisationKind.ACADEMIA, "SN"),
    ("Union of Domestic Workers of Kenya", OrganisationKind.TRADE_UNION, "KE"),
    ("Remittance Partners Ltd", OrganisationKind.PRIVATE_SECTOR, "GB"),
    ("Caritas Migration Desk Brussels", OrganisationKind.FAITH_BASED, "BE"),
    ("Delegation of Mexico", OrganisationKind.GOVERNMENT, "MX"),
    ("Regional Migration Dialogue Secretariat", OrganisationKind.INTERGOVERNMENTAL, "CH"),
    ("Diaspora Forum for Development", OrganisationKind.OTHER, "NL"),
    ("Moroccan Diaspora Solidarity", OrganisationKind.DIASPORA, "MA"),
    ("Egyptian Initiative for Workers Abroad", OrganisationKind.NGO, "EG"),
    ("Andean Migration Observatory", OrganisationKind.ACADEMIA, "PE"),
    ("Central American Migrant Shelter Network", OrganisationKind.FAITH_BASED, "GT"),
    ("Haitian Hometown Associations Federation", OrganisationKind.DIASPORA, "HT"),
    ("North American Labour Migration Council", OrganisationKind.TRADE_UNION, "CA"),
    ("Remittances Research Institute", OrganisationKind.ACADEMIA, "US"),
    ("Kazakh Labour Migrants Support", OrganisationKind.NGO, "KZ"),
    ("Seoul Migrant Workers Centre", OrganisationKind.NGO, "KR"),
    ("Mekong Migration Network", OrganisationKind.NGO, "TH"),
    ("Indonesian Migrant Workers Union", OrganisationKind.TRADE_UNION, "ID"),
    ("South Asian Diaspora Collective", OrganisationKind.DIASPORA, "IN"),
    ("Bangladesh Overseas Employment Forum", OrganisationKind.PRIVATE_SECTOR, "BD"),
    ("Gulf Migrant Care", OrganisationKind.FAITH_BASED, "JO"),
    ("Lebanese Domestic Workers Solidarity", OrganisationKind.NGO, "LB"),
    ("Delegation of Moldova", OrganisationKind.GOVERNMENT, "MD"),
    ("Polish Return Migration Project", OrganisationKind.ACADEMIA, "PL"),
    ("Nordic Refugee and Migrant Council", OrganisationKind.NGO, "SE"),
    ("Irish Emigrant Support Network", OrganisationKind.DIASPORA, "IE"),
    ("Italian Cooperatives for Integration", OrganisationKind.PRIVATE_SECTOR, "IT"),
    ("Spanish Migrants Legal Aid", OrganisationKind.NGO, "ES"),
    ("German Development and Diaspora Alliance", OrganisationKind.OTHER, "DE"),
    ("Pacific Islands Labour Mobility Forum", OrganisationKind.INTERGOVERNMENTAL, "FJ"),
    ("Australian Migrant Resource Centre", OrganisationKind.NGO, "AU"),
    ("Micronesian Seafarers Association", OrganisationKind.TRADE_UNION, "FM"),
    ("Samoan Community Development Trust", OrganisationKind.DIASPORA, "WS"),
    ("Delegation of the Philippines", OrganisationKind.GOVERNMENT, "PH"),
]
# Shown to everyone but moderators as "an organisation from <region>".
AT_RISK = ("Independent Migrant Defenders", OrganisationKind.NGO, "IR")

FIRST_NAMES = [
    "Amina", "José", "Maria", "Chen", "Fatou", "Rahul", "Olga", "Kwame", "Leila", "Tomás",
    "Ana", "Yusuf", "Grace", "Dmitri", "Priya", "Samuel", "Lucía", "Ahmed", "Mei", "Ibrahim",
]  # fmt: skip
GENDERS = ["woman", "man", "woman", "man", "non-binary", "", "woman", "man"]

COMMENTS = [
    "This matches what our members see every day: the costs fall on the migrants themselves.",
    "We support this, but it needs a timetable and someone accountable for it.",
    "Could the moderators say how this relates to the recommendations of session 2?",
    "In our region the **main obstacle** is that recruitment agencies are not licensed at all.",
    "Governments should consult diaspora organisations *before* drafting, not after.",
    "A concrete example: our hometown association co-financed a school with the municipality.",
    "We would add that women migrant workers need specific protection here.",
    "The data exist; what is missing is their publication in a form people can use.",
]
REPLIES = [
    "Agreed, and the same holds for seasonal workers.",
    "Do you have figures for this? They would help the synthesis.",
    "Our experience is different: the agencies are licensed but nobody checks them.",
    "Thank you, this is a useful example for the consolidated position.",
]
RESERVATIONS = [
    "We support the aim but the recommendation ignores the role of local authorities.",
    "Only if the rights of undocumented migrants are protected in the process.",
    "The proposal needs funding commitments; without them it will stay on paper.",
]
OPPOSITIONS = [
    "Tying development aid to migration control, as this could be read, is unacceptable.",
    "This would put the burden on migrants' families rather than on states.",
]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


class Command(BaseCommand):
    help = "Load demo Forum meetings, organisations, people and a debate (never in production)."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Demo data is never loaded in production.")
        recommendations = list(Recommendation.objects.order_by("session__number", "number"))
        if not recommendations:
            self.stderr.write(
                "No recommendations yet, so no demo debate: run `python manage.py import_report` "
                "and then this command again."
            )
            return
        self.random = random.Random(2008)  # noqa: S311 - demo content, not security
        with override_settings(CONSULTATIONS_COMMENT_RATE=None), transaction.atomic():
            moderator, recovery_codes = self._moderator()
            organisations = self._organisations(moderator)
            representatives, members = self._people(organisations)
            brussels, manila = self._forums(moderator)
            manila_consultation = self._consultation(
                forum=manila,
                title=MANILA_TITLE,
                moderator=moderator,
                description=(
                    "Three weeks to debate the 2007 recommendations before the Manila meeting. "
                    "Comment on any recommendation, and let your organisation say where it "
                    "stands. Please read the code of conduct first."
                ),
            )
            brussels_consultation = self._consultation(
                forum=brussels,
                title=BRUSSELS_TITLE,
                moderator=moderator,
                description="The three-week online consultation that preceded the 2007 "
                "Civil Society Day.",
            )
            for consultation, count in ((manila_consultation, 14), (brussels_consultation, 6)):
                if not Comment.objects.filter(consultation=consultation).exists():
                    self._debate(
                        consultation, recommendations[:count], representatives, members, moderator
                    )
            self._close_in_2007(brussels_consultation)
        self.stdout.write(
            f"Demo data ready: {Organisation.objects.count()} organisations, "
            f"{User.objects.count()} people, {Consultation.objects.count()} consultations."
        )
        self.stdout.write(
            f"Demo moderator: {MODERATOR_EMAIL} / {DEMO_PASSWORD}; authenticator secret "
            f"{MODERATOR_TOTP_SECRET} (see docs/demo.md; "
            "`python manage.py demo_totp` prints the current code)."
        )
        if recovery_codes:
            self.stdout.write("Moderator recovery codes: " + " ".join(recovery_codes))
        from positions.demo import load_demo_positions  # positions depend on consultations

        load_demo_positions()

    # --- people and organisations ---------------------------------------------

    def _user(self, email: str, display_name: str, **fields) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": display_name, **fields}
        )
        if created:
            # One hash for every demo account: hashing fifty times takes seconds.
            if not hasattr(self, "_password_hash"):
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _moderator(self) -> tuple[User, list[str]]:
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP

        moderator = self._user(
            MODERATOR_EMAIL,
            "Demo moderator",
            is_moderator=True,
            is_staff=True,
            time_zone="Europe/Brussels",
            gender="woman",
        )
        codes: list[str] = []
        if not Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(moderator, MODERATOR_TOTP_SECRET)
            codes = RecoveryCodes.activate(moderator).get_unused_codes()
        return moderator, codes

    def _organisation(self, name, kind, country, moderator, **extra) -> Organisation:
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            country=country,
            defaults={
                "kind": kind,
                "region": region_for_country(country),
                "status": VerificationStatus.VERIFIED,
                "decided_by": moderator,
                "decided_at": timezone.now(),
                "website": f"https://{_slug(name)}.example.org",
                "description": "A demo organisation of the GFMD civil society portal.",
                **extra,
            },
        )
        return organisation

    def _organisations(self, moderator) -> list[Organisation]:
        organisations = [
            self._organisation(name, kind, country, moderator)
            for name, kind, country in ORGANISATIONS
        ]
        name, kind, country = AT_RISK
        organisations.append(
            self._organisation(
                name, kind, country, moderator, at_risk_requested=True, is_at_risk=True
            )
        )
        self._organisation(
            "Newly Registered Migrant Collective",
            OrganisationKind.NGO,
            "NG",
            None,
            status=VerificationStatus.PENDING,
            decided_by=None,
            decided_at=None,
        )
        return organisations

    def _people(self, organisations) -> tuple[list[User], list[User]]:
        representatives, members = [], []
        for index, organisation in enumerate(organisations, start=1):
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            representative = self._user(
                f"rep{index}@{DEMO_DOMAIN}",
                f"{first} (rep. {index})",
                gender=GENDERS[index % len(GENDERS)],
                country=organisation.country,
            )
            Membership.objects.get_or_create(
                user=representative,
                organisation=organisation,
                defaults={"role": MembershipRole.REPRESENTATIVE},
            )
            representatives.append(representative)
            if index % 3 == 0:
                member = self._user(
                    f"member{index}@{DEMO_DOMAIN}",
                    f"{FIRST_NAMES[(index + 7) % len(FIRST_NAMES)]} (member {index})",
                    gender=GENDERS[(index + 3) % len(GENDERS)],
                    country=organisation.country,
                )
                Membership.objects.get_or_create(
                    user=member,
                    organisation=organisation,
                    defaults={"role": MembershipRole.MEMBER},
                )
                members.append(member)
        return representatives, members

    # --- Forum meetings and consultations -------------------------------------------

    def _forums(self, moderator) -> tuple[Forum, Forum]:
        brussels, _created = Forum.objects.get_or_create(
            name="First Global Forum on Migration and Development",
            defaults={
                "city": "Brussels",
                "country": "BE",
                "starts_on": date(2007, 7, 9),
                "ends_on": date(2007, 7, 11),
            },
        )
        manila, _created = Forum.objects.get_or_create(
            name="Second Global Forum on Migration and Development",
            defaults={
                "city": "Manila",
                "country": "PH",
                "starts_on": date(2008, 10, 27),
                "ends_on": date(2008, 10, 30),
            },
        )
        return brussels, manila

    def _consultation(self, *, forum, title, moderator, description) -> Consultation:
        existing = Consultation.objects.filter(forum=forum, title=title).first()
        if existing is not None:
            return existing
        return services.consultation_create(
            forum=forum,
            title=title,
            description=description,
            opens_at=timezone.now() - timedelta(days=7),
            closes_on=(timezone.now() + timedelta(days=21)).date(),
            closes_anywhere_on_earth=True,
            moderators=[moderator],
            by=moderator,
        )

    def _close_in_2007(self, consultation: Consultation) -> None:
        """Move the Brussels consultation, and its debate's dates, back to June 2007."""
        if consultation.closes_at.year == 2007:
            return
        zone = timezone.get_fixed_timezone(120)
        shift = datetime(2007, 6, 20, 12, 0, tzinfo=zone) - timezone.now()
        Consultation.objects.filter(pk=consultation.pk).update(
            opens_at=datetime(2007, 6, 4, 9, 0, tzinfo=zone),
            closes_at=datetime(2007, 6, 25, 18, 0, tzinfo=zone),
            closes_anywhere_on_earth=False,
            created_at=datetime(2007, 5, 28, 9, 0, tzinfo=zone),
        )
        moved = F("created_at") + shift
        Comment.objects.filter(consultation=consultation).update(created_at=moved)
        Activity.objects.filter(consultation=consultation).update(created_at=moved)
        ModerationAction.objects.filter(consultation=consultation).update(created_at=moved)
        EndorsementChange.objects.filter(endorsement__consultation=consultation).update(
            created_at=moved
        )
        Flag.objects.filter(comment__consultation=consultation).update(created_at=moved)
        Endorsement.objects.filter(consultation=consultation).update(
            created_at=moved, updated_at=F("updated_at") + shift
        )

    # --- the debate ------------------------------------------------------------------

    def _debate(self, consultation, recommendations, representatives, members, moderator):
        pick = self.random
        organisations = {
            m.user_id: m.organisation
            for m in Membership.objects.filter(user__in=representatives + members).select_related(
                "organisation"
            )
        }
        for number, recommendation in enumerate(recommendations):
            threads = []
            for index in range(pick.randint(1, 3)):
                author = pick.choice(representatives + members)
                on_behalf = organisations[author.pk] if index % 2 == 0 else None
                threads.append(
                    services.comment_create(
                        consultation=consultation,
                        recommendation=recommendation,
                        body=pick.choice(COMMENTS),
                        organisation=on_behalf,
                        by=author,
                    )
                )
            for thread in threads[:2]:
                services.comment_create(
                    consultation=consultation,
                    recommendation=recommendation,
                    body=pick.choice(REPLIES),
                    parent=thread,
                    by=pick.choice(representatives),
                )
            if number == 2:
                offending = services.comment_create(
                    consultation=consultation,
                    recommendation=recommendation,
                    body="People who disagree with us are idiots and should leave this portal.",
                    by=members[0],
                )
                services.comment_flag(comment=offending, reason="offensive", by=representatives[1])
                services.comment_hide(
                    comment=offending,
                    reason="Insults other participants (code of conduct, rule 1).",
                    by=moderator,
                )
            if number == 3:
                flagged = services.comment_create(
                    consultation=consultation,
                    recommendation=recommendation,
                    body="Visit our website for cheap money transfers!",
                    by=members[1],
                )
                services.comment_flag(comment=flagged, reason="spam", by=representatives[2])
            self._endorsements(consultation, recommendation, representatives, organisations)

    def _endorsements(self, consultation, recommendation, representatives, organisations):
        pick = self.random
        chosen = pick.sample(representatives, k=min(len(representatives), pick.randint(4, 10)))
        dissent = None
        for index, representative in enumerate(chosen):
            organisation = organisations[representative.pk]
            roll = pick.random()
            if dissent is not None and roll < 0.15:
                services.endorsement_set(
                    consultation=consultation,
                    recommendation=recommendation,
                    organisation=organisation,
                    stance=dissent.stance,
                    cosign=dissent,
                    by=representative,
                )
                continue
            if roll < 0.6 or index == 0:
                stance, statement = Stance.SUPPORT, ""
                if pick.random() < 0.4:
                    statement = "We endorse this recommendation and will work for it nationally."
            elif roll < 0.85:
                stance, statement = Stance.RESERVATIONS, pick.choice(RESERVATIONS)
            else:
                stance, statement = Stance.OPPOSE, pick.choice(OPPOSITIONS)
            endorsement = services.endorsement_set(
                consultation=consultation,
                recommendation=recommendation,
                organisation=organisation,
                stance=stance,
                statement=statement,
                by=representative,
            )
            if stance != Stance.SUPPORT and dissent is None:
                dissent = endorsement
