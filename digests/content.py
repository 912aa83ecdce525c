"""What a digest says: the activity a person should hear about, grouped and worded.

The builder loads everything for a batch of people in a constant number of
queries, turns each Activity row into an item once, and renders each section
(a recommendation or a position within a consultation) once per language and
set of items, so people who follow the same things share the work.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, Organisation
from activity.models import Activity
from consultations.cursors import comment_link
from consultations.models import (
    Comment,
    Consultation,
    Endorsement,
    Follow,
    PersonParticipation,
    Stance,
    Synthesis,
)
from recommendations.models import Recommendation

from .models import DigestFrequencyChoice

EXCERPT_LENGTH = 200
EXCERPTS_PER_SECTION = 3
# How far back a digest reaches when the previous one is long ago or never was.
LOOKBACK = {
    DigestFrequencyChoice.DAILY: timedelta(days=7),
    DigestFrequencyChoice.WEEKLY: timedelta(days=28),
}
PERIOD = {
    DigestFrequencyChoice.DAILY: timedelta(days=1),
    DigestFrequencyChoice.WEEKLY: timedelta(days=7),
}

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


def user_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def period_key(*, frequency: str, moment: datetime, zone: ZoneInfo) -> str:
    """The person's local date (daily) or ISO week (weekly) at ``moment``."""
    local = moment.astimezone(zone).date()
    if frequency == DigestFrequencyChoice.WEEKLY:
        year, week, _weekday = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.isoformat()


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime
    end: datetime


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


@dataclass
class Group:
    title: str
    url: str
    sections: list = field(default_factory=list)


@dataclass
class Digest:
    """One person's digest, rendered."""

    user_id: int
    item_count: int
    reply_count: int
    subject: str
    text: str
    html: str


@dataclass
class SectionView:
    """A section as one person sees it: a (shared) list of items minus their own."""

    items: list
    own: list
    complete: bool

    def visible(self) -> list:
        if not self.own:
            return self.items
        own_ids = {item.id for item in self.own}
        return [item for item in self.items if item.id not in own_ids]


def count_words(kind: str, count: int) -> str:
    if kind == "comment":
        words = ngettext("%(count)d new comment", "%(count)d new comments", count)
    elif kind == "reply":
        words = ngettext("%(count)d reply", "%(count)d replies", count)
    elif kind == "stance":
        words = ngettext("%(count)d change of stance", "%(count)d changes of stance", count)
    else:
        words = ngettext("%(count)d other update", "%(count)d other updates", count)
    return words % {"count": count}


COUNT_KINDS = ("comment", "reply", "stance", "other")


@dataclass
class Interests:
    consultations: set = field(default_factory=set)
    recommendations: set = field(default_factory=set)
    organisations: set = field(default_factory=set)


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
        types = content_types()
        rows = list(
            Activity.objects.filter(created_at__gt=self.start, created_at__lte=self.end)
            .exclude(verb__in=QUIET_VERBS)
            .order_by("created_at", "id")
            .values_list(
                "pk",
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
        )
        comment_type = types[Comment]
        known = set(types.values())
        comment_ids = {row[8] for row in rows if row[7] == comment_type}
        comments = {}
        if comment_ids:
            comments = {
                pk: (body, hidden_at, deleted_at, root_id)
                for pk, body, hidden_at, deleted_at, root_id in Comment.objects.filter(
                    pk__in=comment_ids
                ).values_list("pk", "body", "hidden_at", "deleted_at", "root_id")
            }
        self.comment_ids = set(comments)
        User = get_user_model()
        actor_ids = {row[3] for row in rows if row[3]}
        actors = {
            user.pk: str(user)
            for user in User.objects.filter(pk__in=actor_ids).only(
                "display_name", "is_former_participant"
            )
        }
        organisation_ids = {row[4] for row in rows if row[4]}
        organisations = {
            organisation.pk: organisation
            for organisation in Organisation.objects.filter(pk__in=organisation_ids).only(
                "name", "region", "is_at_risk"
            )
        }
        consultation_ids = {row[5] for row in rows if row[5]}
        self.consultations = {
            consultation.pk: consultation
            for consultation in Consultation.objects.filter(pk__in=consultation_ids).only("title")
        }
        recommendation_ids = {row[6] for row in rows if row[6]}
        recommendations = {
            recommendation.pk: recommendation
            for recommendation in Recommendation.objects.filter(pk__in=recommendation_ids)
        }
        # Positions and whatever else later parts of the portal record: one
        # query per kind of object, whoever follows what.
        others: dict[int, set] = defaultdict(set)
        for row in rows:
            if row[7] not in known:
                others[row[7]].add(row[8])
        objects: dict[tuple, object] = {}
        for type_id, ids in others.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is None:
                continue
            for obj in model._default_manager.filter(pk__in=ids):
                objects[(type_id, obj.pk)] = obj
        # Everything about a joint position (its revisions, amendments,
        # signatures, paragraph comments) is grouped under the position.
        positions, position_type = _positions(rows)
        detail = "consultations:recommendation-detail"
        for (
            pk,
            verb,
            created_at,
            actor_id,
            organisation_id,
            consultation_id,
            recommendation_id,
            type_id,
            target_id,
            data,
        ) in rows:
            data = data if isinstance(data, dict) else {}
            body, title, url = "", "", ""
            if type_id == comment_type:
                comment = comments.get(target_id)
                if comment is None or comment[1] or comment[2]:
                    continue
                body = comment[0]
            if recommendation_id and consultation_id:
                key = ("rec", consultation_id, recommendation_id)
                if key not in self.sections:
                    recommendation = recommendations[recommendation_id]
                    self.sections[key] = SectionInfo(
                        key=key,
                        title=str(recommendation),
                        url=absolute(reverse(detail, args=[consultation_id, recommendation.slug])),
                        consultation_id=consultation_id,
                    )
                url = self.sections[key].url
                if type_id == comment_type:
                    # The page that starts with the comment's thread, however deep.
                    recommendation = recommendations[recommendation_id]
                    url = absolute(
                        comment_link(
                            consultation_id,
                            recommendation.slug,
                            target_id,
                            comment[3] or target_id,
                        )
                    )
            elif type_id not in known:
                obj = objects.get((type_id, target_id))
                # Gone, hidden or deleted since: never sent.
                if (
                    obj is None
                    or getattr(obj, "hidden_at", None)
                    or getattr(obj, "deleted_at", None)
                ):
                    continue
                position = positions.get(data.get("position_id"))
                if position is not None:
                    obj, type_id_shown = position, position_type
                else:
                    type_id_shown = type_id
                key = ("obj", consultation_id, type_id_shown, obj.pk)
                title = str(obj)
                if key not in self.sections:
                    self.sections[key] = SectionInfo(
                        key=key, title=title, url=_object_url(obj), consultation_id=consultation_id
                    )
                url = self.sections[key].url
            elif consultation_id:
                key = ("news", consultation_id)
                if key not in self.sections:
                    self.sections[key] = SectionInfo(
                        key=key,
                        title="",
                        url=absolute(self.consultations[consultation_id].get_absolute_url()),
                        consultation_id=consultation_id,
                    )
                url = self.sections[key].url
            elif organisation_id:
                key = ("org", organisation_id)
                if key not in self.sections:
                    self.sections[key] = SectionInfo(
                        key=key,
                        title="",
                        url=absolute(
                            reverse("accounts:organisation-detail", args=[organisation_id])
                        ),
                        consultation_id=None,
                    )
                url = self.sections[key].url
            else:
                continue
            parent_author_id = data.get("parent_author_id")
            self.items.append(
                Item(
                    id=pk,
                    verb=verb,
                    created_at=created_at,
                    actor_id=actor_id,
                    actor_name=actors.get(actor_id, ""),
                    organisation=organisations.get(organisation_id),
                    consultation_id=consultation_id,
                    recommendation_id=recommendation_id,
                    organisation_id=organisation_id,
                    parent_author_id=(
                        parent_author_id if isinstance(parent_author_id, int) else None
                    ),
                    section_key=key,
                    title=title,
                    body=body,
                    comment_id=target_id if type_id == comment_type else None,
                    stance=str(data.get("stance") or ""),
                    url=url,
                )
            )

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


# Windows built recently in this process; each worker builds a period's items once.
_WINDOWS: dict[tuple, Window] = {}
WINDOW_REUSE_SECONDS = 600
WINDOWS_KEPT = 4


def window_for(start: datetime, end: datetime) -> Window:
    now = time.monotonic()
    for key in [k for k, w in _WINDOWS.items() if now - w.built_at > WINDOW_REUSE_SECONDS]:
        del _WINDOWS[key]
    window = _WINDOWS.get((start, end))
    if window is None:
        window = Window(start, end)
        _WINDOWS[(start, end)] = window
        while len(_WINDOWS) > WINDOWS_KEPT:
            del _WINDOWS[next(iter(_WINDOWS))]
    return window


def content_types() -> dict:
    return {
        model: ContentType.objects.get_for_model(model).pk
        for model in (Comment, Endorsement, Consultation, Organisation, Synthesis)
    }


class DigestBuilder:
    """Builds the digests of a batch of people; queries do not grow with what they follow."""

    def __init__(self, *, frequency: str):
        self.frequency = frequency
        self._section_cache: dict = {}
        self._counts_cache: dict = {}

    def load(self, users: list, periods: dict[int, Period]) -> None:
        """Fetch the interests of ``users`` and every item they may hear about."""
        self.users = {user.pk: user for user in users}
        self.periods = periods
        user_ids = list(self.users)
        self.interests: dict[int, Interests] = defaultdict(Interests)
        for user_id, consultation_id, recommendation_id in Follow.objects.filter(
            user_id__in=user_ids
        ).values_list("user_id", "consultation_id", "recommendation_id"):
            if consultation_id:
                self.interests[user_id].consultations.add(consultation_id)
            if recommendation_id:
                self.interests[user_id].recommendations.add(recommendation_id)
        for user_id, consultation_id in PersonParticipation.objects.filter(
            user_id__in=user_ids
        ).values_list("user_id", "consultation_id"):
            self.interests[user_id].consultations.add(consultation_id)
        for user_id, organisation_id in Membership.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "organisation_id"
        ):
            self.interests[user_id].organisations.add(organisation_id)
        self.gone: set[int] = set()
        if not periods:
            self.window = None
            self.items, self.sections, self.consultations = [], {}, {}
            self.by_consultation = self.by_recommendation = {}
            self.by_organisation = self.by_parent_author = {}
            return
        start = min(period.start for period in periods.values())
        end = max(period.end for period in periods.values())
        self.window = window_for(start, end)
        for name in (
            "items",
            "sections",
            "consultations",
            "by_consultation",
            "by_recommendation",
            "by_organisation",
            "by_parent_author",
        ):
            setattr(self, name, getattr(self.window, name))
        # Checked now, not when the window was built: a comment hidden since is never sent.
        if self.window.comment_ids:
            self.gone = set(
                Comment.objects.filter(
                    Q(hidden_at__isnull=False) | Q(deleted_at__isnull=False),
                    created_at__gte=start - timedelta(days=1),
                ).values_list("pk", flat=True)
            )

    # --- choosing -------------------------------------------------------------

    def items_for(self, user_id: int) -> list[Item]:
        """What one person hears about: their scope, their period, never their own doing."""
        period = self.periods.get(user_id)
        if period is None:
            return []
        interests = self.interests.get(user_id, Interests())
        chosen: dict[int, Item] = {}
        pools = [self.by_parent_author.get(user_id, [])]
        pools += [self.by_consultation.get(c, []) for c in interests.consultations]
        pools += [self.by_recommendation.get(r, []) for r in interests.recommendations]
        pools += [self.by_organisation.get(o, []) for o in interests.organisations]
        for pool in pools:
            for item in pool:
                if (
                    item.actor_id != user_id
                    and item.comment_id not in self.gone
                    and period.start < item.created_at <= period.end
                    and item.id not in chosen
                ):
                    chosen[item.id] = item
        return sorted(chosen.values(), key=lambda item: (item.created_at, item.id))

    def _common_period(self) -> tuple | None:
        if not hasattr(self, "_common"):
            spans = Counter((period.start, period.end) for period in self.periods.values())
            self._common = spans.most_common(1)[0][0] if spans else None
            self._pools = {}
        return self._common

    def _pool(self, kind: str, key: int):
        """A pool's items in the common period, by section, with each actor's own; built once."""
        cached = self._pools.get((kind, key))
        if cached is not None:
            return cached
        source = {
            "p": self.by_parent_author,
            "c": self.by_consultation,
            "r": self.by_recommendation,
            "o": self.by_organisation,
        }[kind].get(key, [])
        start, end = self._common
        sections: dict[tuple, list[Item]] = {}
        own: dict[tuple, dict[int, list[Item]]] = defaultdict(lambda: defaultdict(list))
        for item in source:
            if start < item.created_at <= end and item.comment_id not in self.gone:
                sections.setdefault(item.section_key, []).append(item)
                own[item.section_key][item.actor_id].append(item)
        self._pools[(kind, key)] = (sections, own)
        return sections, own

    def sections_for(self, user_id: int) -> dict[tuple, SectionView]:
        """What one person hears about, by section: shared lists, minus their own doing."""
        period = self.periods.get(user_id)
        if period is None:
            return {}
        common = self._common_period()
        if (period.start, period.end) != common:
            grouped: dict[tuple, list[Item]] = {}
            for item in self.items_for(user_id):
                grouped.setdefault(item.section_key, []).append(item)
            return {key: SectionView(items, [], False) for key, items in grouped.items()}
        interests = self.interests.get(user_id, Interests())
        pools = [("p", user_id)]
        pools += [("c", c) for c in interests.consultations]
        pools += [("r", r) for r in interests.recommendations]
        pools += [("o", o) for o in interests.organisations]
        result: dict[tuple, SectionView] = {}
        for kind, key in pools:
            sections, own = self._pool(kind, key)
            for section_key, items in sections.items():
                mine = own[section_key].get(user_id, []) if section_key in own else []
                if len(mine) == len(items):
                    continue
                # A consultation's pool holds whole sections, so does a
                # recommendation's for its own sections; other pools hold parts.
                complete = kind == "c" or (kind == "r" and section_key[0] == "rec")
                view = SectionView(items, mine, complete)
                previous = result.get(section_key)
                if previous is None or (complete and not previous.complete):
                    result[section_key] = view
                elif not previous.complete:
                    merged = {i.id: i for i in previous.visible()}
                    merged.update((i.id, i) for i in view.visible())
                    ordered = sorted(merged.values(), key=lambda i: (i.created_at, i.id))
                    result[section_key] = SectionView(ordered, [], False)
        return result

    def digest_for(self, user, *, unsubscribe_url: str):
        return self.render(user, self.sections_for(user.pk), unsubscribe_url=unsubscribe_url)

    # --- rendering ------------------------------------------------------------

    def _kind_counts(self, items: list[Item]) -> Counter:
        key = id(items)
        counts = self._counts_cache.get(key)
        if counts is None or counts[1] is not items:
            counts = (Counter(item.kind for item in items), items)
            self._counts_cache[key] = counts
        return counts[0]

    def _section_fragments(self, section: SectionInfo, view: SectionView, language: str):
        counts = self._kind_counts(view.items)
        if view.own:
            counts = counts - Counter(item.kind for item in view.own)
        own_ids = {item.id for item in view.own}
        shown: list[Item] = []
        for item in reversed(view.items):
            if item.id not in own_ids:
                shown.append(item)
                if len(shown) == EXCERPTS_PER_SECTION:
                    break
        shown.reverse()
        total = len(view.items) - len(view.own)
        cache_key = (
            section.key,
            language,
            tuple(sorted(counts.items())),
            tuple(item.id for item in shown),
            total,
        )
        cached = self._section_cache.get(cache_key)
        if cached is not None:
            return cached
        parts = []
        for kind in COUNT_KINDS:
            if counts.get(kind):
                parts.append(count_words(kind, counts[kind]))
        counts_text = ", ".join(parts)
        more = total - len(shown)
        more_text = ngettext("And %(more)s more.", "And %(more)s more.", more) % {"more": more}
        read = _("Read it")
        text = []
        html = ['<div style="margin:0 0 16px 0">']
        if section.title:
            text.append(f"* {section.title}")
            html.append(
                format_html(
                    '<h3 style="font-size:16px;margin:0 0 4px 0"><a href="{}">{}</a></h3>',
                    section.url,
                    section.title,
                )
            )
        text.append(f"  {counts_text}")
        html.append(format_html('<p style="margin:0 0 6px 0;color:#555">{}</p>', counts_text))
        html.append('<ul style="margin:0;padding-left:20px">')
        for item in shown:
            line, item_excerpt = item.line(), item.excerpt
            text.append(f"  - {line}")
            if item_excerpt:
                text.append(f'    "{item_excerpt}"')
            text.append(f"    {item.url}")
            html.append(
                format_html(
                    '<li style="margin-bottom:6px">{}{} <a href="{}">{}</a></li>',
                    line,
                    format_html("<br><q>{}</q>", item_excerpt) if item_excerpt else "",
                    item.url,
                    read,
                )
            )
        html.append("</ul>")
        if more:
            text.append(f"  {more_text}")
            html.append(
                format_html(
                    '<p style="margin:4px 0 0 0"><a href="{}">{}</a></p>', section.url, more_text
                )
            )
        if section.title:
            text.append(f"  {section.url}")
        html.append("</div>")
        fragments = ("\n".join(text) + "\n", "\n".join(html))
        self._section_cache[cache_key] = fragments
        return fragments

    def render(self, user, views, *, unsubscribe_url: str) -> Digest | None:
        """The person's email, in their language; None when there is nothing new.

        ``views`` maps section keys to SectionView (a flat list of items is grouped here).
        """
        if isinstance(views, list):
            grouped: dict[tuple, list[Item]] = {}
            for item in views:
                grouped.setdefault(item.section_key, []).append(item)
            views = {key: SectionView(items, [], False) for key, items in grouped.items()}
        if not views:
            return None
        item_count = sum(len(view.items) - len(view.own) for view in views.values())
        language = user.interface_language or settings.LANGUAGE_CODE
        with translation.override(language):
            groups: dict = {}
            for key, view in views.items():
                section = self.sections[key]
                group_key = section.consultation_id
                if group_key not in groups:
                    if group_key is None:
                        groups[group_key] = Group(title=_("Your organisations"), url="")
                    else:
                        consultation = self.consultations[group_key]
                        groups[group_key] = Group(
                            title=consultation.title,
                            url=absolute(consultation.get_absolute_url()),
                        )
                text, html = self._section_fragments(section, view, language)
                # Consultation news first, then sections in the order they first moved.
                position = 0 if key[0] == "news" else 1
                groups[group_key].sections.append((position, text, html))
            ordered = [groups[k] for k in groups if k is not None]
            if None in groups:
                ordered.append(groups[None])
            for group in ordered:
                group.sections.sort(key=lambda entry: entry[0])
            reply_count = self._reply_count(user.pk)
            context = {
                "user": user,
                "item_count": item_count,
                "reply_count": reply_count,
                "groups": ordered,
                "SITE_NAME": settings.SITE_NAME,
                "SITE_URL": settings.SITE_URL,
                "profile_url": self._profile_url,
                "preferences_url": self._preferences_url,
                "unsubscribe_url": unsubscribe_url,
                "frequency": self.frequency,
                "language": language,
            }
            subject = ngettext(
                "Your digest: %(count)d new item",
                "Your digest: %(count)d new items",
                item_count,
            ) % {"count": item_count}
            text = get_template("digests/email/digest.txt").render(context)
            html = get_template("digests/email/digest.html").render(context)
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        return Digest(
            user_id=user.pk,
            item_count=item_count,
            reply_count=reply_count,
            subject=prefix + subject,
            text=text,
            html=html,
        )

    def _reply_count(self, user_id: int) -> int:
        period = self.periods.get(user_id)
        if period is None:
            return 0
        return sum(
            1
            for item in self.by_parent_author.get(user_id, [])
            if item.actor_id != user_id
            and item.comment_id not in self.gone
            and period.start < item.created_at <= period.end
        )

    @cached_property
    def _profile_url(self) -> str:
        return absolute(reverse("accounts:profile"))

    @cached_property
    def _preferences_url(self) -> str:
        return absolute(reverse("digests:preferences"))


def _positions(rows) -> tuple[dict, int | None]:
    """The positions that activity rows name in ``data["position_id"]``, in one query."""
    ids = {
        row[9].get("position_id")
        for row in rows
        if isinstance(row[9], dict) and isinstance(row[9].get("position_id"), int)
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
