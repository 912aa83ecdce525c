"""Who may do what in consultations, as django-rules predicates.

The consultation window is an input to every participation permission. What a
predicate needs from the database (a consultation's moderators, a person's
suspensions) is read once and kept on the object, so checking a whole page of
comments costs no extra query.
"""

import rules
from django.utils import timezone

from accounts.rules import (
    can_act,
    can_act_for_organisation,
    can_speak_for_organisation,
    is_authenticated,
    is_moderator,
    is_representative_of,
)

from .models import EDIT_WINDOW, Suspension


def consultation_moderator_ids(consultation) -> set[int]:
    """The ids of a consultation's own moderators, fetched once per consultation object."""
    cached = getattr(consultation, "_moderator_ids", None)
    if cached is None:
        cached = set(consultation.moderators.values_list("pk", flat=True))
        consultation._moderator_ids = cached
    return cached


def suspended_consultation_ids(user) -> set[int]:
    """The consultations a person is suspended from, fetched once per user object."""
    cached = getattr(user, "_portal_suspensions", None)
    if cached is None:
        cached = set(
            Suspension.objects.filter(user=user, lifted_at__isnull=True).values_list(
                "consultation_id", flat=True
            )
        )
        user._portal_suspensions = cached
    return cached


def forget_cached_suspensions(user) -> None:
    if hasattr(user, "_portal_suspensions"):
        delattr(user, "_portal_suspensions")


@rules.predicate
def is_consultation_moderator(user, consultation) -> bool:
    """Portal moderators and the consultation's own moderators."""
    if consultation is None or not is_authenticated(user):
        return False
    return user.is_portal_moderator or user.pk in consultation_moderator_ids(consultation)


@rules.predicate
def is_consultation_open(user, consultation) -> bool:
    return consultation is not None and consultation.is_open


@rules.predicate
def is_suspended_from(user, consultation) -> bool:
    if consultation is None or not is_authenticated(user):
        return False
    return consultation.pk in suspended_consultation_ids(user)


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return (
        comment is not None
        and is_authenticated(user)
        and comment.author_id is not None
        and comment.author_id == user.pk
    )


@rules.predicate
def is_within_edit_window(user, comment) -> bool:
    return comment is not None and timezone.now() - comment.created_at <= EDIT_WINDOW


@rules.predicate
def is_comment_moderator(user, comment) -> bool:
    return comment is not None and is_consultation_moderator(user, comment.consultation)


@rules.predicate
def is_comment_consultation_open(user, comment) -> bool:
    return comment is not None and comment.consultation.is_open


@rules.predicate
def is_suspended_from_comment_consultation(user, comment) -> bool:
    return comment is not None and is_suspended_from(user, comment.consultation)


@rules.predicate
def is_moderator_of_any_consultation(user) -> bool:
    """Whether the person moderates at least one consultation, read once per user object."""
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_portal_moderates_any", None)
    if cached is None:
        cached = user.moderated_consultations.exists()
        user._portal_moderates_any = cached
    return cached


@rules.predicate
def is_endorsement_representative(user, endorsement) -> bool:
    return endorsement is not None and is_representative_of(user, endorsement.organisation)


@rules.predicate
def is_endorsement_moderator(user, endorsement) -> bool:
    """A moderator of the endorsement's consultation with two-factor authentication on."""
    from .selectors import acts_as_moderator

    return endorsement is not None and acts_as_moderator(
        viewer=user, consultation=endorsement.consultation
    )


can_participate = can_act & is_consultation_open & ~is_suspended_from
can_moderate_consultation = can_act & is_consultation_moderator
# Writing to one's own comment: its author, while they may take part in its consultation.
can_write_own_comment = (
    can_act
    & is_comment_consultation_open
    & ~is_suspended_from_comment_consultation
    & is_comment_author
)

rules.add_perm("consultations.participate_consultation", can_participate)
rules.add_perm("consultations.moderate_consultation", can_moderate_consultation)
# Creating Forum meetings and consultations, and choosing who moderates: portal moderators.
rules.add_perm("consultations.add_consultation", can_act & is_moderator)
rules.add_perm("consultations.manage_forum", can_act & is_moderator)
rules.add_perm("consultations.assign_moderator", can_act & is_moderator)
# The pages across consultations (queue, audit log): any moderator, signed in.
rules.add_perm(
    "consultations.view_moderation",
    is_authenticated & (is_moderator | is_moderator_of_any_consultation),
)
rules.add_perm("consultations.follow_consultation", can_act)
rules.add_perm("consultations.flag_comment", can_act)
# Fifteen minutes to edit is a state of the comment (a conflict), checked by the service.
rules.add_perm("consultations.change_comment", can_write_own_comment)
rules.add_perm("consultations.delete_comment", can_write_own_comment)
rules.add_perm("consultations.moderate_comment", can_act & is_comment_moderator)
# A stance's history: the organisation's representatives and the consultation's moderators.
rules.add_perm(
    "consultations.view_endorsementchange",
    is_endorsement_representative | is_endorsement_moderator,
)

__all__ = [
    "can_act",
    "can_act_for_organisation",
    "can_participate",
    "can_speak_for_organisation",
    "is_consultation_moderator",
    "is_moderator",
]
