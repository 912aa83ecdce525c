"""Which writes invalidate which cached pages: every model whose rows a cached page shows.

Each handler hears of a row whenever it is saved, deleted, changed by a
queryset's ``update()`` or made by ``bulk_create()`` (core.querysets), and its
many-to-many links: no caller bumps a version by hand. Connected once at
start-up (portal.apps); the versions themselves live in core.page_cache.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.page_cache import bump, reader_version
from core.querysets import rows_written

# Fields whose change shows on no public page.
_USER_PRIVATE_FIELDS = {"last_login", "password", "interface_language", "digest_frequency"}


def _recommendation_slug(instance) -> str | None:
    recommendation = instance._state.fields_cache.get("recommendation")
    if recommendation is not None:
        return recommendation.slug
    from recommendations.models import Recommendation

    return (
        Recommendation.objects.filter(pk=instance.recommendation_id)
        .values_list("slug", flat=True)
        .first()
    )


def _on_discussion_change(sender, instance, **kwargs) -> None:
    names = [f"consultation:{instance.consultation_id}"]
    slug = _recommendation_slug(instance)
    if slug:
        names.append(f"discussion:{instance.consultation_id}:{slug}")
    bump(*names)


# A consultation's counters show in lists and on its page, not in what is read with it.
_CONSULTATION_COUNTERS = {"comment_count", "endorsement_count"}


def _on_consultation_change(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= _CONSULTATION_COUNTERS:
        bump("consultations", f"consultation:{instance.pk}")
        return
    bump("consultations", f"consultation:{instance.pk}", f"consultation-meta:{instance.pk}")


def _on_consultation_links_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A consultation's scope or moderators changed, from either side of the link."""
    if not reverse:
        if action.startswith("post_"):
            _on_consultation_change(sender, instance)
        return
    if action == "pre_clear":  # once cleared, nothing says which consultations it left
        to_consultation, to_other = _link_columns(sender, instance)
        pk_set = set(
            sender.objects.filter(**{to_other: instance.pk}).values_list(to_consultation, flat=True)
        )
    elif not action.startswith("post_") or action == "post_clear":
        return
    for pk in pk_set or ():
        bump("consultations", f"consultation:{pk}", f"consultation-meta:{pk}")


def _link_columns(through, instance) -> tuple[str, str]:
    """The link table's columns for the consultation and for ``instance``'s side."""
    to_consultation = to_other = ""
    for field in through._meta.fields:
        if not field.is_relation:
            continue
        if field.related_model is type(instance):
            to_other = field.attname
        else:
            to_consultation = field.attname
    return to_consultation, to_other


def _on_forum_change(sender, instance, **kwargs) -> None:
    bump("names")


def _on_names_change(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= _USER_PRIVATE_FIELDS:
        return
    bump("names")


def _on_user_change(sender, instance, update_fields=None, **kwargs) -> None:
    _on_names_change(sender, instance, update_fields=update_fields)
    bump(reader_version(instance.pk))


def _on_reader_change(sender, instance, **kwargs) -> None:
    if instance.user_id:
        bump(reader_version(instance.user_id))


def _on_organisation_change(sender, instance, **kwargs) -> None:
    # Its members' own pages and cached rules show its name and verification.
    _on_names_change(sender, instance, **kwargs)
    from accounts.models import Membership

    members = Membership.objects.filter(organisation_id=instance.pk).values_list(
        "user_id", flat=True
    )
    if members:
        bump(*(reader_version(user_id) for user_id in members))


def connect_signals() -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organisation
    from consultations.models import (
        Comment,
        Consultation,
        Endorsement,
        Follow,
        Forum,
        PersonParticipation,
        RecommendationStats,
        Suspension,
        Synthesis,
    )
    from recommendations.models import Example, Recommendation, Session, Theme

    uid = "portal.invalidation"
    for model in (Comment, Endorsement, Synthesis, RecommendationStats):
        for signal in (post_save, post_delete, rows_written):
            signal.connect(_on_discussion_change, sender=model, dispatch_uid=f"{uid}.{model}")
    for signal in (post_save, post_delete, rows_written):
        signal.connect(_on_consultation_change, sender=Consultation, dispatch_uid=f"{uid}.c")
        signal.connect(_on_forum_change, sender=Forum, dispatch_uid=f"{uid}.f")
        signal.connect(_on_user_change, sender=get_user_model(), dispatch_uid=f"{uid}.user")
        signal.connect(_on_organisation_change, sender=Organisation, dispatch_uid=f"{uid}.o")
        for model in (Recommendation, Session, Theme, Example):
            signal.connect(_on_names_change, sender=model, dispatch_uid=f"{uid}.{model}")
        for model in (
            Membership,
            Follow,
            Suspension,
            EmailAddress,
            Authenticator,
            PersonParticipation,
        ):
            signal.connect(_on_reader_change, sender=model, dispatch_uid=f"{uid}.r.{model}")
    for field in Consultation._meta.many_to_many:
        m2m_changed.connect(
            _on_consultation_links_change,
            sender=field.remote_field.through,
            dispatch_uid=f"{uid}.{field.name}",
        )
