"""Organisations of every kind and region, people, and their memberships."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from accounts.regions import country_regions

from ._common import BATCH, LOAD_DOMAIN, LOAD_PASSWORD, SIGNED_IN_POOL, GeneratorBase

KIND_WEIGHTS = {
    OrganisationKind.NGO: 30,
    OrganisationKind.DIASPORA: 18,
    OrganisationKind.TRADE_UNION: 10,
    OrganisationKind.PRIVATE_SECTOR: 8,
    OrganisationKind.ACADEMIA: 12,
    OrganisationKind.FAITH_BASED: 9,
    OrganisationKind.GOVERNMENT: 6,
    OrganisationKind.INTERGOVERNMENTAL: 3,
    OrganisationKind.OTHER: 4,
}
GENDERS = [("woman", 46), ("man", 44), ("non-binary", 2), ("", 8)]


class PeopleSteps(GeneratorBase):
    """Organisations first, then their representatives and members."""

    def make_organisations(self) -> None:
        countries = sorted(code for code, region in country_regions().items() if region)
        # Every region first, then countries at random.
        by_region: dict[str, list[str]] = {}
        for code in countries:
            by_region.setdefault(country_regions()[code], []).append(code)
        first = [codes[0] for _region, codes in sorted(by_region.items())]
        kinds = list(KIND_WEIGHTS)
        rows = []
        for index in range(self.counts["organisations"]):
            country = first[index] if index < len(first) else self.rng.choice(countries)
            kind = kinds[index] if index < len(kinds) else None
            kind = kind or self.rng.choices(kinds, weights=list(KIND_WEIGHTS.values()))[0]
            roll = self.rng.random()
            status = VerificationStatus.VERIFIED
            if index >= SIGNED_IN_POOL and roll < 0.07:
                status = VerificationStatus.PENDING
            elif index >= SIGNED_IN_POOL and roll < 0.1:
                status = VerificationStatus.REJECTED
            rows.append(
                Organisation(
                    name=f"{kind.label} {index:06d} {self.words(1, 2).title()}",
                    kind=kind,
                    country=country,
                    region=country_regions()[country],
                    status=status,
                    is_at_risk=index >= SIGNED_IN_POOL and self.rng.random() < 0.02,
                    description=self.words(10, 30),
                    decided_at=self.now if status != VerificationStatus.PENDING else None,
                    created_at=self.opens_at - timedelta(days=self.rng.randint(1, 400)),
                )
            )
        self.organisations = Organisation.objects.bulk_create(rows, batch_size=BATCH)
        self.verified = [o for o in self.organisations if o.status == VerificationStatus.VERIFIED]
        self.say(f"{len(self.organisations)} organisations.")

    def make_people(self) -> None:
        password = make_password(LOAD_PASSWORD)
        genders = [g for g, _w in GENDERS]
        weights = [w for _g, w in GENDERS]
        rows = [
            User(
                email=f"person{index}@{LOAD_DOMAIN}",
                display_name=f"{self.words(1, 1).title()} {index}",
                password=password,
                gender=self.rng.choices(genders, weights=weights)[0],
                country=self.rng.choice(self.organisations).country,
                date_joined=self.opens_at - timedelta(days=self.rng.randint(0, 300)),
            )
            for index in range(self.counts["people"])
        ]
        self.people = User.objects.bulk_create(rows, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in self.people
            ],
            batch_size=BATCH,
        )
        # person{i} represents organisation i; most others are members of one.
        memberships = []
        self.organisation_of: dict[int, Organisation] = {}
        self.representative_of: dict[int, User] = {}
        for index, user in enumerate(self.people):
            if index < len(self.organisations):
                organisation = self.organisations[index]
                role = MembershipRole.REPRESENTATIVE
                self.representative_of[organisation.pk] = user
            elif self.rng.random() < 0.7:
                organisation = self.rng.choice(self.organisations)
                role = MembershipRole.MEMBER
            else:
                continue
            self.organisation_of[user.pk] = organisation
            memberships.append(Membership(user=user, organisation=organisation, role=role))
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        self.say(f"{len(self.people)} people, {len(memberships)} memberships.")
