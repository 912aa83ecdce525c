"""What a digest says: the activity a person should hear about, grouped and worded.

The builder loads everything for a batch of people in a constant number of
queries, turns each Activity row into an item once, and renders each section
(a recommendation or a position within a consultation) once per language and
set of items, so people who follow the same things share the work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, Organisation
from consultations.models import (
    Activity,
    Comment,
    Consultation,
    Endorsement,
    Follow,
    PersonParticipation,
    Stance,
    Synthesis,
)

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
    "position_created": gettext_lazy("%(who)s started a position: %(title)s."),
    "position_revised": gettext_lazy("A new revision of %(title)s was saved."),
    "position_opened_for_signature": gettext_lazy("%(title)s is open for signature."),
    "position_signature_opened": gettext_lazy("%(title)s is open for signature."),
    "position_finalised": gettext_lazy("%(title)s was finalised."),
    "position_signed": gettext_lazy("%(who)s signed %(title)s."),
    "signature_withdrawn": gettext_lazy("%(who)s withdrew its signature from %(title)s."),
    "amendment_proposed": gettext_lazy("%(who)s proposed an amendment to %(title)s."),
    "amendment_decided": gettext_lazy("An amendment to %(title)s was decided."),
    "amendment_accepted": gettext_lazy("An amendment to %(title)s was accepted."),
    "amendment_rejected": gettext_lazy("An amendment to %(title)s was rejected."),
    "consolidated_published": gettext_lazy("A consolidated version was published."),
    "export_published": gettext_lazy("A consolidated version was published."),
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
    excerpt: str = ""
    stance: str = ""
    url: str = ""

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
class Interests:
    consultations: set = field(default_factory=set)
    recommendations: set = field(default_factory=set)
    organisations: set = field(default_factory=set)


class DigestBuilder:
    """Builds the digests of a batch of people; queries do not grow with what they follow."""

    def __init__(self, *, frequency: str):
        self.frequency = frequency
        self._section_cache: dict = {}
        self._types: dict | None = None

    # --- loading ------------------------------------------------------------------

    def _content_types(self) -> dict:
        if self._types is None:
            self._types = {
                model: ContentType.objects.get_for_model(model).pk
                for model in (Comment, Endorsement, Consultation, Organisation, Synthesis)
            }
        return self._types

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
        self.items: list[Item] = []
        self.sections: dict[tuple, SectionInfo] = {}
        self.consultations: dict[int, Consultation] = {}
        if not periods:
            return
        start = min(period.start for period in periods.values())
        end = max(period.end for period in periods.values())
        consultation_ids = set().union(*(i.consultations for i in self.interests.values()))
        recommendation_ids = set().union(*(i.recommendations for i in self.interests.values()))
        organisation_ids = set().union(*(i.organisations for i in self.interests.values()))
        scope = Q(verb=V.COMMENT_REPLIED, data__parent_author_id__in=user_ids)
        if consultation_ids:
            scope |= Q(consultation_id__in=consultation_ids)
        if recommendation_ids:
            scope |= Q(recommendation_id__in=recommendation_ids)
        if organisation_ids:
            scope |= Q(organisation_id__in=organisation_ids)
        activities = list(
            Activity.objects.filter(scope, created_at__gt=start, created_at__lte=end)
            .exclude(verb__in=QUIET_VERBS)
            .select_related("actor", "organisation", "consultation", "recommendation")
            .order_by("created_at", "id")
        )
        self._build_items(activities)

    def _build_items(self, activities: list) -> None:
        types = self._content_types()
        comment_ids = [a.target_id for a in activities if a.target_type_id == types[Comment]]
        comments = {}
        if comment_ids:
            comments = {
                row["pk"]: row
                for row in Comment.objects.filter(pk__in=comment_ids).values(
                    "pk", "body", "hidden_at", "deleted_at"
                )
            }
        # Positions and whatever else later parts of the portal record: one
        # query per kind of object, whoever follows what.
        known = set(types.values())
        others: dict[int, set] = defaultdict(set)
        for activity in activities:
            if activity.target_type_id not in known:
                others[activity.target_type_id].add(activity.target_id)
        objects: dict[tuple, object] = {}
        for type_id, ids in others.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is None:
                continue
            for obj in model._default_manager.filter(pk__in=ids):
                objects[(type_id, obj.pk)] = obj

        for activity in activities:
            if activity.consultation_id and activity.consultation_id not in self.consultations:
                self.consultations[activity.consultation_id] = activity.consultation
            data = activity.data if isinstance(activity.data, dict) else {}
            item_excerpt, title, url = "", "", ""
            type_id = activity.target_type_id
            if type_id == types[Comment]:
                comment = comments.get(activity.target_id)
                # Checked now, not when it happened: a comment hidden since is never sent.
                if comment is None or comment["hidden_at"] or comment["deleted_at"]:
                    continue
                item_excerpt = excerpt(comment["body"])
            if activity.recommendation_id and activity.consultation_id:
                key = ("rec", activity.consultation_id, activity.recommendation_id)
                if key not in self.sections:
                    recommendation = activity.recommendation
                    self.sections[key] = SectionInfo(
                        key=key,
                        title=str(recommendation),
                        url=absolute(
                            reverse(
                                "consultations:recommendation-detail",
                                args=[activity.consultation_id, recommendation.slug],
                            )
                        ),
                        consultation_id=activity.consultation_id,
                    )
                url = self.sections[key].url
                if type_id == types[Comment]:
                    url += f"#comment-{activity.target_id}"
            elif type_id not in known:
                obj = objects.get((type_id, activity.target_id))
                if obj is None:
                    continue
                key = ("obj", activity.consultation_id, type_id, activity.target_id)
                title = str(obj)
                if key not in self.sections:
                    self.sections[key] = SectionInfo(
                        key=key,
                        title=title,
                        url=_object_url(obj),
                        consultation_id=activity.consultation_id,
                    )
                url = self.sections[key].url
            elif activity.consultation_id:
                key = ("news", activity.consultation_id)
                if key not in self.sections:
                    self.sections[key] = SectionInfo(
                        key=key,
                        title="",
                        url=absolute(activity.consultation.get_absolute_url()),
                        consultation_id=activity.consultation_id,
                    )
                url = self.sections[key].url
            elif activity.organisation_id:
                key = ("org", activity.organisation_id)
                if key not in self.sections:
                    self.sections[key] = SectionInfo(
                        key=key,
                        title="",
                        url=absolute(
                            reverse("accounts:organisation-detail", args=[activity.organisation_id])
                        ),
                        consultation_id=None,
                    )
                url = self.sections[key].url
            else:
                continue
            parent_author_id = data.get("parent_author_id")
            self.items.append(
                Item(
                    id=activity.pk,
                    verb=activity.verb,
                    created_at=activity.created_at,
                    actor_id=activity.actor_id,
                    actor_name=str(activity.actor) if activity.actor_id else "",
                    organisation=activity.organisation,
                    consultation_id=activity.consultation_id,
                    recommendation_id=activity.recommendation_id,
                    organisation_id=activity.organisation_id,
                    parent_author_id=parent_author_id
                    if isinstance(parent_author_id, int)
                    else None,
                    section_key=key,
                    title=title,
                    excerpt=item_excerpt,
                    stance=str(data.get("stance") or ""),
                    url=url,
                )
            )
        self._index()

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
        """A pool's items in the common period, by section, and who acted in it; computed once."""
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
        actors = set()
        for item in source:
            if start < item.created_at <= end:
                sections.setdefault(item.section_key, []).append(item)
                actors.add(item.actor_id)
        self._pools[(kind, key)] = (sections, actors)
        return sections, actors

    def sections_for(self, user_id: int) -> tuple[dict, set]:
        """The person's items by section, and which sections are shared lists (not filtered)."""
        period = self.periods.get(user_id)
        if period is None:
            return {}, set()
        common = self._common_period()
        if (period.start, period.end) != common:
            grouped: dict[tuple, list[Item]] = {}
            for item in self.items_for(user_id):
                grouped.setdefault(item.section_key, []).append(item)
            return grouped, set()
        interests = self.interests.get(user_id, Interests())
        pools = [("p", user_id)]
        pools += [("c", c) for c in interests.consultations]
        pools += [("r", r) for r in interests.recommendations]
        pools += [("o", o) for o in interests.organisations]
        result: dict[tuple, list[Item]] = {}
        shared: set = set()
        for kind, key in pools:
            sections, actors = self._pool(kind, key)
            own = user_id in actors
            for section_key, items in sections.items():
                chosen = [i for i in items if i.actor_id != user_id] if own else items
                if not chosen:
                    continue
                if section_key in result:
                    merged = {i.id: i for i in result[section_key]}
                    merged.update((i.id, i) for i in chosen)
                    result[section_key] = sorted(
                        merged.values(), key=lambda i: (i.created_at, i.id)
                    )
                    shared.discard(section_key)
                else:
                    result[section_key] = chosen
                    if chosen is items:
                        shared.add(section_key)
        return result, shared

    def digest_for(self, user, *, unsubscribe_url: str):
        sections, shared = self.sections_for(user.pk)
        return self.render(user, sections, unsubscribe_url=unsubscribe_url, shared=shared)

    # --- rendering ------------------------------------------------------------

    def _section_fragments(
        self, section: SectionInfo, items: list[Item], language: str, shared: bool = False
    ):
        # A shared list lives as long as the builder, so its identity names its items.
        ids = ("pool", id(items)) if shared else tuple(item.id for item in items)
        cache_key = (section.key, language, ids)
        cached = self._section_cache.get(cache_key)
        if cached is not None:
            return cached
        counts = {"comment": 0, "reply": 0, "stance": 0, "other": 0}
        for item in items:
            counts[item.kind] += 1
        count_parts = []
        if counts["comment"]:
            count_parts.append(
                ngettext("%(count)d new comment", "%(count)d new comments", counts["comment"])
                % {"count": counts["comment"]}
            )
        if counts["reply"]:
            count_parts.append(
                ngettext("%(count)d reply", "%(count)d replies", counts["reply"])
                % {"count": counts["reply"]}
            )
        if counts["stance"]:
            count_parts.append(
                ngettext(
                    "%(count)d change of stance", "%(count)d changes of stance", counts["stance"]
                )
                % {"count": counts["stance"]}
            )
        if counts["other"]:
            count_parts.append(
                ngettext("%(count)d other update", "%(count)d other updates", counts["other"])
                % {"count": counts["other"]}
            )
        shown = items[-EXCERPTS_PER_SECTION:] if len(items) > EXCERPTS_PER_SECTION else items
        context = {
            "section": section,
            "title": section.title,
            "counts": ", ".join(count_parts),
            "lines": [
                {"text": item.line(), "excerpt": item.excerpt, "url": item.url} for item in shown
            ],
            "more": len(items) - len(shown),
        }
        fragments = (
            get_template("digests/email/section.txt").render(context),
            get_template("digests/email/section.html").render(context),
        )
        self._section_cache[cache_key] = fragments
        return fragments

    def render(
        self, user, by_section, *, unsubscribe_url: str, shared=frozenset()
    ) -> Digest | None:
        """The person's email, in their language; None when there is nothing new.

        ``by_section`` maps section keys to items (a flat list of items is grouped here).
        """
        if isinstance(by_section, list):
            grouped: dict[tuple, list[Item]] = {}
            for item in by_section:
                grouped.setdefault(item.section_key, []).append(item)
            by_section = grouped
        if not by_section:
            return None
        item_count = sum(len(items) for items in by_section.values())
        language = user.interface_language or settings.LANGUAGE_CODE
        with translation.override(language):
            groups: dict = {}
            for key, section_items in by_section.items():
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
                text, html = self._section_fragments(
                    section, section_items, language, key in shared
                )
                # Consultation news first, then sections in the order they first moved.
                position = 0 if key[0] == "news" else 1
                groups[group_key].sections.append((position, text, html))
            ordered = [groups[k] for k in groups if k is not None]
            if None in groups:
                ordered.append(groups[None])
            for group in ordered:
                group.sections.sort(key=lambda entry: entry[0])
            reply_count = (
                sum(
                    1
                    for items in by_section.values()
                    if items and items[0].section_key[0] == "rec"
                    for item in items
                    if item.parent_author_id == user.pk and item.kind == "reply"
                )
                if len(by_section) and self.by_parent_author.get(user.pk)
                else 0
            )
            context = {
                "user": user,
                "item_count": item_count,
                "reply_count": reply_count,
                "groups": ordered,
                "SITE_NAME": settings.SITE_NAME,
                "SITE_URL": settings.SITE_URL,
                "profile_url": absolute(reverse("accounts:profile")),
                "preferences_url": absolute(reverse("digests:preferences")),
                "unsubscribe_url": unsubscribe_url,
                "frequency": self.frequency,
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


def _object_url(obj) -> str:
    try:
        return absolute(obj.get_absolute_url())
    except (AttributeError, NoReverseMatch):
        return settings.SITE_URL.rstrip("/") + "/"
