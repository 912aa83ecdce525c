"""What happened in a time window: each Activity row a digest may tell, read once as an item.

A window reads its rows and everything they refer to in a constant number of
queries, whatever the rows are about, and files each item under the section
(a recommendation, a position, a consultation's news, an organisation) that
digests show it in.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from activity.models import Activity
from consultations.cursors import comment_link
from consultations.models import Comment, Consultation, Endorsement, Stance, Synthesis
from recommendations.models import Recommendation

EXCERPT_LENGTH = 200

V = Activity.Verb
# Activity that is nobody's news: moderation detail, personal bookkeeping,
# edits and deletions (a hidden or deleted comment is never shown anyway).
QUIET_VERBS = frozenset(
    {
        V.FOLLOWED,
        V.UNFOLLOWED,
        V.COMMENT_FLAGGED,
        V.FLAGS_DISMISSED,
        V.COMMENT_HIDDEN,
        V.COMMENT_RESTORED,
        V.COMMENT_EDITED,
        V.COMMENT_DELETED,
        V.USER_SUSPENDED,
        V.SUSPENSION_LIFTED,
        V.THREAD_UNLOCKED,
        V.FORUM_CREATED,
        V.FORUM_CHANGED,
        V.CONSULTATION_CREATED,
    }
)
COMMENT_VERBS = frozenset({V.COMMENT_POSTED, V.COMMENT_REPLIED})
STANCE_VERBS = frozenset({V.ENDORSEMENT_SET, V.ENDORSEMENT_CHANGED, V.ENDORSEMENT_WITHDRAWN})

# Wording per verb; %(who)s is the (masked) organisation or the person, %(title)s
# the position or object concerned, %(stance)s the stance taken. Verbs not
# listed here (new ones from other parts of the portal) use GENERIC_WORDING.
VERB_WORDING = {
    V.COMMENT_POSTED: gettext_lazy("%(who)s commented:"),
    V.COMMENT_REPLIED: gettext_lazy("%(who)s replied:"),
    V.ENDORSEMENT_SET: gettext_lazy("%(who)s took a stance: %(stance)s."),
    V.ENDORSEMENT_CHANGED: gettext_lazy("%(who)s changed its stance: %(stance)s."),
    V.ENDORSEMENT_WITHDRAWN: gettext_lazy("%(who)s withdrew its stance."),
    V.SYNTHESIS_WRITTEN: gettext_lazy("The moderators wrote a synthesis of the debate."),
    V.THREAD_LOCKED: gettext_lazy("A discussion was closed to new replies."),
    V.CONSULTATION_OPENED: gettext_lazy("The consultation is open."),
    V.CONSULTATION_CLOSING_SOON: gettext_lazy("The consultation closes within 48 hours."),
    V.CONSULTATION_CLOSED: gettext_lazy("The consultation has closed."),
    V.CONSULTATION_EXTENDED: gettext_lazy("The consultation was extended."),
    V.CONSULTATION_CHANGED: gettext_lazy("The moderators updated the consultation."),
    V.ORGANISATION_VERIFIED: gettext_lazy("%(who)s was verified."),
    V.ORGANISATION_REJECTED: gettext_lazy("%(who)s was not verified."),
    # Joint positions (positions.models VERB_*).
    "position_created": gettext_lazy("%(who)s started a position: %(title)s."),
    "position_revised": gettext_lazy("A new revision of %(title)s was saved."),
    "position_opened_for_signature": gettext_lazy("%(title)s is open for signature."),
    "position_back_to_drafting": gettext_lazy("%(title)s is back in drafting."),
    "position_finalised": gettext_lazy("%(title)s was finalised."),
    "position_withdrawn": gettext_lazy("%(title)s was withdrawn."),
    "position_signed": gettext_lazy("%(who)s signed %(title)s."),
    "position_signature_withdrawn": gettext_lazy("%(who)s withdrew its signature from %(title)s."),
    "position_paragraph_commented": gettext_lazy("A paragraph of %(title)s has a new comment."),
    "position_contribution_resolved": gettext_lazy(
        "The editors of %(title)s answered a contribution."
    ),
    "position_editor_added": gettext_lazy("%(who)s joined the editors of %(title)s."),
    "amendment_proposed": gettext_lazy("An amendment to %(title)s was proposed."),
    "amendment_accepted": gettext_lazy("An amendment to %(title)s was accepted."),
    "amendment_rejected": gettext_lazy("An amendment to %(title)s was rejected."),
    # Consolidated versions (exports).
    "consolidated_published": gettext_lazy("A consolidated version was published."),
    "export_published": gettext_lazy("A consolidated version was published."),
    "consolidated_version_published": gettext_lazy("A consolidated version was published."),
}
GENERIC_WORDING = gettext_lazy("Update: %(what)s.")


def verb_label(verb: str) -> str:
    """A readable name for any verb, known or not."""
    try:
        return str(V(verb).label)
    except ValueError:
        return verb.replace("_", " ").strip().capitalize()


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def excerpt(text: str) -> str:
    """A short plain-text excerpt: no markup, whitespace collapsed."""
    plain = " ".join(strip_tags(text or "").split())
    return Truncator(plain).chars(EXCERPT_LENGTH)


@dataclass
class Item:
    """One Activity row as it appears in digests; shared by everyone who sees it."""

    id: int
    verb: str
    created_at: datetime
    actor_id: int | None
    actor_name: str
    organisation: Organisation | None
    consultation_id: int | None
    recommendation_id: int | None
    organisation_id: int | None
    parent_author_id: int | None
    section_key: tuple
    title: str = ""
    body: str = ""
    comment_id: int | None = None
    stance: str = ""
    url: str = ""

    @property
    def excerpt(self) -> str:
        return excerpt(self.body) if self.body else ""

    @property
    def kind(self) -> str:
        if self.verb == V.COMMENT_POSTED:
            return "comment"
        if self.verb == V.COMMENT_REPLIED:
            return "reply"
        if self.verb in STANCE_VERBS:
            return "stance"
        return "other"

    def who(self) -> str:
        # Emails never carry an at-risk organisation's name, whoever reads them.
        if self.organisation is not None:
            return self.organisation.public_name
        return self.actor_name

    def line(self) -> str:
        wording = VERB_WORDING.get(self.verb, GENERIC_WORDING)
        stance = ""
        if self.stance:
            try:
                stance = str(Stance(self.stance).label)
            except ValueError:
                stance = self.stance
        return str(wording) % {
            "who": self.who(),
            "title": self.title,
            "stance": stance,
            "what": verb_label(self.verb),
        }


@dataclass
class SectionInfo:
    key: tuple
    title: str
    url: str
    consultation_id: int | None


ACTIVITY_FIELDS = (
    "id",
    "verb",
    "created_at",
    "actor_id",
    "organisation_id",
    "consultation_id",
    "recommendation_id",
    "target_type_id",
    "target_id",
    "data",
)
RECOMMENDATION_DETAIL = "consultations:recommendation-detail"


def content_types() -> dict:
    return {
        model: ContentType.objects.get_for_model(model).pk
        for model in (Comment, Endorsement, Consultation, Organisation, Synthesis)
    }


@dataclass(frozen=True)
class Related:
    """What a window's rows refer to, one query per kind of object, by id."""

    comment_type: int
    # Content types the portal's own sections describe; the rest is grouped by object.
    known_types: frozenset[int]
    comments: dict
    actor_names: dict[int, str]
    organisations: dict[int, Organisation]
    consultations: dict[int, Consultation]
    recommendations: dict[int, Recommendation]
    objects: dict[tuple, object]
    positions: dict
    position_type: int | None


class Window:
    """Every item of a time window, built once and shared by every batch in the process.

    Comments hidden or deleted since are filtered per batch (``DigestBuilder.gone``),
    so the sharing never sends one.
    """

    def __init__(self, start: datetime, end: datetime):
        self.start, self.end = start, end
        self.items: list[Item] = []
        self.sections: dict[tuple, SectionInfo] = {}
        self.consultations: dict[int, Consultation] = {}
        self.comment_ids: set[int] = set()
        self.built_at = time.monotonic()
        self._load()
        self._index()

    def _load(self) -> None:
        rows = list(
            Activity.objects.filter(created_at__gt=self.start, created_at__lte=self.end)
            .exclude(verb__in=QUIET_VERBS)
            .order_by("created_at", "id")
            .values_list(*ACTIVITY_FIELDS, named=True)
        )
        related = _related(rows)
        self.consultations = related.consultations
        self.comment_ids = set(related.comments)
        for row in rows:
            item = self._item(row, related)
            if item is not None:
                self.items.append(item)

    def _item(self, row, related: Related) -> Item | None:
        """The row as an item, or None when it is nobody's news or its comment is gone."""
        comment = None
        if row.target_type_id == related.comment_type:
            comment = related.comments.get(row.target_id)
            if comment is None or comment.hidden_at or comment.deleted_at:
                return None
        data = row.data if isinstance(row.data, dict) else {}
        placed = self._place(row, data, comment, related)
        if placed is None:
            return None
        section, title, url = placed
        parent_author_id = data.get("parent_author_id")
        return Item(
            id=row.id,
            verb=row.verb,
            created_at=row.created_at,
            actor_id=row.actor_id,
            actor_name=related.actor_names.get(row.actor_id, ""),
            organisation=related.organisations.get(row.organisation_id),
            consultation_id=row.consultation_id,
            recommendation_id=row.recommendation_id,
            organisation_id=row.organisation_id,
            parent_author_id=parent_author_id if isinstance(parent_author_id, int) else None,
            section_key=section.key,
            title=title,
            body=comment.body if comment is not None else "",
            comment_id=row.target_id if comment is not None else None,
            stance=str(data.get("stance") or ""),
            url=url,
        )

    def _place(self, row, data: dict, comment, related: Related):
        """The row's section, the title the item names and its link; None when it has no place."""
        if row.recommendation_id and row.consultation_id:
            return self._in_recommendation(row, comment, related)
        if row.target_type_id not in related.known_types:
            return self._about_object(row, data, related)
        if row.consultation_id:
            return self._consultation_news(row.consultation_id)
        if row.organisation_id:
            return self._organisation_news(row.organisation_id)
        return None

    def _in_recommendation(self, row, comment, related: Related):
        consultation_id = row.consultation_id
        recommendation = related.recommendations[row.recommendation_id]
        section = self._section(
            ("rec", consultation_id, row.recommendation_id),
            consultation_id,
            lambda: (
                str(recommendation),
                absolute(
                    reverse(RECOMMENDATION_DETAIL, args=[consultation_id, recommendation.slug])
                ),
            ),
        )
        if comment is None:
            return section, "", section.url
        # The page that starts with the comment's thread, however deep.
        link = comment_link(
            consultation_id, recommendation.slug, row.target_id, comment.root_id or row.target_id
        )
        return section, "", absolute(link)

    def _about_object(self, row, data: dict, related: Related):
        """Positions and whatever else later parts of the portal record."""
        obj = related.objects.get((row.target_type_id, row.target_id))
        # Gone, hidden or deleted since: never sent.
        if obj is None or _withdrawn(obj):
            return None
        type_id = row.target_type_id
        # Everything about a joint position (its revisions, amendments,
        # signatures, paragraph comments) is grouped under the position.
        position = related.positions.get(data.get("position_id"))
        if position is not None:
            obj, type_id = position, related.position_type
        title = str(obj)
        section = self._section(
            ("obj", row.consultation_id, type_id, obj.pk),
            row.consultation_id,
            lambda: (title, _object_url(obj)),
        )
        return section, title, section.url

    def _consultation_news(self, consultation_id: int):
        section = self._section(
            ("news", consultation_id),
            consultation_id,
            lambda: ("", absolute(self.consultations[consultation_id].get_absolute_url())),
        )
        return section, "", section.url

    def _organisation_news(self, organisation_id: int):
        section = self._section(
            ("org", organisation_id),
            None,
            lambda: ("", absolute(reverse("accounts:organisation-detail", args=[organisation_id]))),
        )
        return section, "", section.url

    def _section(self, key: tuple, consultation_id: int | None, describe) -> SectionInfo:
        """The section under ``key``; ``describe`` gives its title and link the first time."""
        section = self.sections.get(key)
        if section is None:
            title, url = describe()
            section = SectionInfo(key=key, title=title, url=url, consultation_id=consultation_id)
            self.sections[key] = section
        return section

    def _index(self) -> None:
        self.by_consultation = defaultdict(list)
        self.by_recommendation = defaultdict(list)
        self.by_organisation = defaultdict(list)
        self.by_parent_author = defaultdict(list)
        for item in self.items:
            if item.consultation_id:
                self.by_consultation[item.consultation_id].append(item)
            if item.recommendation_id:
                self.by_recommendation[item.recommendation_id].append(item)
            if item.organisation_id:
                self.by_organisation[item.organisation_id].append(item)
            if item.parent_author_id:
                self.by_parent_author[item.parent_author_id].append(item)


def _related(rows) -> Related:
    types = content_types()
    comment_type = types[Comment]
    known_types = frozenset(types.values())
    comments = _comments({row.target_id for row in rows if row.target_type_id == comment_type})
    actor_names = _actor_names({row.actor_id for row in rows if row.actor_id})
    organisations = _by_pk(
        Organisation.objects.filter(
            pk__in={row.organisation_id for row in rows if row.organisation_id}
        ).only("name", "region", "is_at_risk")
    )
    consultations = _by_pk(
        Consultation.objects.filter(
            pk__in={row.consultation_id for row in rows if row.consultation_id}
        ).only("title")
    )
    recommendations = _by_pk(
        Recommendation.objects.filter(
            pk__in={row.recommendation_id for row in rows if row.recommendation_id}
        )
    )
    objects = _other_objects(rows, known_types)
    positions, position_type = _positions(rows)
    return Related(
        comment_type=comment_type,
        known_types=known_types,
        comments=comments,
        actor_names=actor_names,
        organisations=organisations,
        consultations=consultations,
        recommendations=recommendations,
        objects=objects,
        positions=positions,
        position_type=position_type,
    )


def _by_pk(queryset) -> dict:
    return {obj.pk: obj for obj in queryset}


def _comments(ids: set[int]) -> dict:
    if not ids:
        return {}
    rows = Comment.objects.filter(pk__in=ids).values_list(
        "id", "body", "hidden_at", "deleted_at", "root_id", named=True
    )
    return {row.id: row for row in rows}


def _actor_names(ids: set[int]) -> dict[int, str]:
    users = (
        get_user_model().objects.filter(pk__in=ids).only("display_name", "is_former_participant")
    )
    return {user.pk: str(user) for user in users}


def _other_objects(rows, known_types: frozenset[int]) -> dict[tuple, object]:
    """Objects of the kinds the portal's own sections do not describe, one query per kind."""
    wanted: dict[int, set] = defaultdict(set)
    for row in rows:
        if row.target_type_id not in known_types:
            wanted[row.target_type_id].add(row.target_id)
    objects: dict[tuple, object] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            objects[(type_id, obj.pk)] = obj
    return objects


def _positions(rows) -> tuple[dict, int | None]:
    """The positions that activity rows name in ``data["position_id"]``, in one query."""
    ids = {
        row.data.get("position_id")
        for row in rows
        if isinstance(row.data, dict) and isinstance(row.data.get("position_id"), int)
    }
    if not ids:
        return {}, None
    try:
        model = apps.get_model("positions", "Position")
    except LookupError:
        return {}, None
    found = {position.pk: position for position in model._default_manager.filter(pk__in=ids)}
    return found, ContentType.objects.get_for_model(model).pk


def _withdrawn(obj) -> bool:
    return bool(getattr(obj, "hidden_at", None) or getattr(obj, "deleted_at", None))


def _object_url(obj) -> str:
    try:
        return absolute(obj.get_absolute_url())
    except (AttributeError, NoReverseMatch):
        return settings.SITE_URL.rstrip("/") + "/"
