"""Reads for accounts, shaped so that each page issues a constant number of queries."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django_countries import countries

from . import rules
from .models import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from .regions import REGIONS


@dataclass
class Facet:
    value: str
    label: str
    count: int


def organisation_directory(
    *, user: User | AnonymousUser, kind: str = "", region: str = "", country: str = ""
) -> tuple[QuerySet, dict[str, list[Facet]]]:
    """Verified organisations filtered by kind, region and country, with counts per value.

    At-risk organisations count under their kind and region but, for everyone
    but moderators, not under a country: that would narrow down who they are.
    """
    moderator = rules.is_moderator(user)
    filters = {"kind": kind, "region": region, "country": country}

    def filtered(skip: str = "") -> QuerySet:
        queryset = Organisation.objects.verified()
        for field, value in filters.items():
            if value and field != skip:
                queryset = queryset.filter(**{field: value})
        if not moderator and (skip == "country" or (country and skip != "country")):
            queryset = queryset.filter(is_at_risk=False)
        return queryset

    def counts(field: str) -> dict[str, int]:
        return dict(filtered(skip=field).values_list(field).annotate(n=Count("pk")).order_by())

    # At-risk organisations last for everyone else, so the order gives no hint of a name.
    organisations = filtered().order_by(
        *(() if moderator else ("is_at_risk",)), Lower("name"), "pk"
    )
    kind_counts = counts("kind")
    region_counts = counts("region")
    country_counts = counts("country")

    facets = {
        "kind": [
            Facet(value, label, kind_counts.get(value, 0))
            for value, label in OrganisationKind.choices
        ],
        "region": [
            Facet(name, gettext(name), region_counts[name])
            for name in REGIONS
            if name in region_counts
        ],
        "country": sorted(
            (Facet(code, countries.name(code), n) for code, n in country_counts.items() if code),
            key=lambda facet: str(facet.label),
        ),
    }
    return organisations, facets


def organisation_detail(*, pk: int) -> Organisation:
    """An organisation with its public members, for its page."""
    public_members = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(
            is_public=True, user__is_active=True, user__is_former_participant=False
        )
        .select_related("user")
        .order_by("-role", "user__display_name", "pk"),
        to_attr="public_memberships",
    )
    return Organisation.objects.prefetch_related(public_members).get(pk=pk)


def organisation_visible_to(*, organisation: Organisation, user: User | AnonymousUser) -> bool:
    """Pending and rejected organisations are seen only by their members and moderators."""
    if organisation.is_verified:
        return True
    return rules.is_moderator(user) or rules.is_member_of(user, organisation)


def organisation_management(*, organisation: Organisation) -> dict:
    """What a representative needs to run the organisation's memberships."""
    memberships = list(
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__display_name", "pk")
    )
    requests = list(
        MembershipRequest.objects.filter(
            organisation=organisation, status=MembershipRequestStatus.PENDING
        )
        .select_related("user")
        .order_by("created_at")
    )
    invitations = list(
        organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")[:50]
    )
    return {"memberships": memberships, "requests": requests, "invitations": invitations}


def user_memberships(*, user: User) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("organisation").order_by("pk"))


STOPWORDS = {
    "and",
    "the",
    "for",
    "des",
    "del",
    "los",
    "las",
    "pour",
    "para",
    "with",
    "association",
    "organisation",
    "organization",
    "network",
    "international",
    "foundation",
    "national",
    "society",
    "union",
    "centre",
    "center",
    "council",
    "group",
}


def _name_words(name: str) -> list[str]:
    words = [word for word in re.findall(r"\w+", name.lower()) if len(word) >= 4]
    return [word for word in words if word not in STOPWORDS][:5]


def verification_queue() -> list[Organisation]:
    """Pending organisations, oldest first, each with ``similar`` organisations already known.

    Similar: another organisation whose name contains one of the distinctive
    words of this one's name. One query for the queue, one for all matches.
    """
    pending = list(
        Organisation.objects.filter(status=VerificationStatus.PENDING)
        .select_related("created_by")
        .order_by("created_at", "pk")[:200]
    )
    words_by_pk = {organisation.pk: _name_words(organisation.name) for organisation in pending}
    all_words = sorted({word for words in words_by_pk.values() for word in words})
    candidates: list[Organisation] = []
    if all_words:
        condition = Q()
        for word in all_words:
            condition |= Q(name__icontains=word)
        candidates = list(
            Organisation.objects.filter(condition).only("pk", "name", "country", "status")[:2000]
        )
    for organisation in pending:
        words = words_by_pk[organisation.pk]
        organisation.similar = [
            other
            for other in candidates
            if other.pk != organisation.pk and any(word in other.name.lower() for word in words)
        ][:10]
        email = organisation.created_by.email if organisation.created_by else ""
        organisation.requester_domain = email.rpartition("@")[2] if "@" in email else ""
    return pending


def delegate_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    """Which of these people belong to a verified government delegation, in one query.

    For lists (comments, signatories) that show a "delegate" badge per person.
    """
    return set(
        Membership.objects.filter(
            user_id__in=list(user_ids),
            organisation__kind=OrganisationKind.GOVERNMENT,
            organisation__status=VerificationStatus.VERIFIED,
        ).values_list("user_id", flat=True)
    )
