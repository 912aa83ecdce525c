"""What a digest says: the activity a person should hear about, grouped and worded.

The builder loads everything for a batch of people in a constant number of
queries, takes the items of their time window (``windows.Window``, built once
and shared), and renders each section (a recommendation or a position within a
consultation) once per language and set of items, so people who follow the
same things share the work.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership
from consultations.models import Comment, Follow, PersonParticipation

from .models import DigestFrequencyChoice
from .windows import Item, SectionInfo, Window, absolute

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
