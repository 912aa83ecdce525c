"""What the current reader may do and speaks for."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q

from accounts.models import Organisation, User
from accounts.rules import user_memberships
from core.page_cache import person, reader_version, versioned
from recommendations.models import Recommendation

from ..models import (
    Comment,
    Consultation,
    Endorsement,
    EndorsementChange,
    Follow,
)
from ..rules import (
    is_suspended_from,
)
from ._common import (
    acts_as_moderator,
)
from .comments import (
    discussion_versions,
)


def _verified_memberships(viewer) -> list:
    if not viewer or not viewer.is_authenticated:
        return []
    return [m for m in user_memberships(viewer) if m.organisation.is_verified]


def speaking_organisations(*, viewer: User | AnonymousUser) -> list[Organisation]:
    """The verified organisations a person may post for (one query, none if read already).

    What posting a comment needs of viewer_state, without follows or stances.
    """
    return [membership.organisation for membership in _verified_memberships(viewer)]


def representing_organisations(*, viewer: User | AnonymousUser) -> list[Organisation]:
    """The verified organisations a person may take stances for (one query, none if read already).

    What setting, co-signing or withdrawing a stance needs of viewer_state.
    """
    return [m.organisation for m in _verified_memberships(viewer) if m.is_representative]


@dataclass
class ViewerState:
    """What the signed-in person may do on a page, computed once per request."""

    is_moderator: bool = False
    is_suspended: bool = False
    speaking_organisations: list = field(default_factory=list)
    representing_organisations: list = field(default_factory=list)
    follows_consultation: bool = False
    follows_recommendation: bool = False
    endorsements: dict = field(default_factory=dict)
    # Whether they have written in this recommendation's debate (kept or deleted).
    has_commented: bool = False


# How many of an organisation's latest stance changes a page shows.
STANCE_HISTORY_SHOWN = 10


def viewer_state(
    *,
    viewer: User | AnonymousUser,
    consultation: Consultation,
    recommendation: Recommendation | None = None,
    cached: bool = False,
) -> ViewerState:
    """The viewer's roles, follows and own organisations' endorsements (at most six queries).

    With ``cached`` it comes from the shared cache, under the versions of the
    debate, the consultation and the reader (core.page_cache.reader_version),
    which every write to what it holds bumps. For pages only: services check
    the rules on fresh rows.
    """
    state = ViewerState()
    if not viewer or not viewer.is_authenticated:
        return state
    if cached:
        names = [f"consultation-meta:{consultation.pk}", reader_version(viewer.pk)]
        if recommendation is not None:
            names += discussion_versions(consultation=consultation, recommendation=recommendation)
        else:
            names.append("names")
        return versioned(
            "viewer-state",
            (consultation.pk, getattr(recommendation, "pk", "")),
            audience=person(viewer.pk),
            depends_on=names,
            compute=lambda: viewer_state(
                viewer=viewer, consultation=consultation, recommendation=recommendation
            ),
        )
    state.is_moderator = acts_as_moderator(viewer=viewer, consultation=consultation)
    state.is_suspended = is_suspended_from(viewer, consultation)
    state.speaking_organisations = speaking_organisations(viewer=viewer)
    state.representing_organisations = representing_organisations(viewer=viewer)
    follows = Follow.objects.filter(user=viewer).filter(
        Q(consultation=consultation)
        | (Q(recommendation=recommendation) if recommendation else Q(pk__in=[]))
    )
    for follow in follows:
        if follow.consultation_id:
            state.follows_consultation = True
        else:
            state.follows_recommendation = True
    if recommendation is not None:
        state.has_commented = Comment.objects.filter(
            consultation=consultation, recommendation=recommendation, author=viewer
        ).exists()
    if recommendation is not None and state.representing_organisations:
        state.endorsements = {
            e.organisation_id: e
            for e in Endorsement.objects.filter(
                consultation=consultation,
                recommendation=recommendation,
                organisation__in=state.representing_organisations,
            )
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "changes",
                    # The latest changes only, whatever the history's length.
                    queryset=EndorsementChange.objects.select_related("by").order_by(
                        "-created_at", "-id"
                    )[:STANCE_HISTORY_SHOWN],
                    to_attr="history",
                )
            )
        }
        for endorsement in state.endorsements.values():
            endorsement.history.reverse()
    return state
