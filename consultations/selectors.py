"""Reads for consultations, shaped so that every page issues a fixed number of queries."""

from dataclasses import dataclass, field

from allauth.mfa.utils import is_mfa_enabled
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganisationKind
from accounts.rules import user_memberships
from activity.models import ModerationAction
from core.page_cache import ANYONE, person, reader_version, versioned
from recommendations.models import Recommendation

from .cursors import (
    DESCENDING,
    THREAD_KEYS,
    after_cursor,
    before_cursor,
    decode_cursor,
    last_cursor,
    thread_cursor,
)
from .models import (
    EDIT_WINDOW,
    Comment,
    Consultation,
    ConsultationScope,
    Endorsement,
    EndorsementChange,
    Flag,
    Follow,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
    Stance,
    Suspension,
    Synthesis,
)
from .rules import (
    consultation_moderator_ids,
    is_comment_author,
    is_consultation_moderator,
    is_moderator,
    is_suspended_from,
)

COMMENTS_PER_PAGE = 20
COMMENT_SORTS = {
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
    "replies": ("-reply_count", "-created_at", "-id"),
}
# A gender figure is shown only for groups of at least this many people, and
# the breakdown only when the consultation has at least GENDER_MIN_TOTAL
# people; smaller groups are folded into "other or not stated".
GENDER_MIN_CELL = 5
GENDER_MIN_TOTAL = 10
GENDER_GROUPS = {
    "woman": ("woman", "female", "f", "women", "femme", "mujer", "girl"),
    "man": ("man", "male", "m", "men", "homme", "hombre", "boy"),
    "non_binary": ("non-binary", "nonbinary", "non binary", "enby", "genderqueer"),
}
GENDER_LABELS = {
    "woman": _("Women"),
    "man": _("Men"),
    "non_binary": _("Non-binary people"),
    "other": _("Other self-description or not stated"),
}


def acts_as_moderator(viewer, consultation: Consultation) -> bool:
    """A moderator of the consultation whose account has two-factor authentication on.

    Without it a moderator sees pages as a participant does: no hidden text,
    no moderation links (the moderation pages themselves send them to set it up).
    """
    if not is_consultation_moderator(viewer, consultation):
        return False
    cached = getattr(viewer, "_portal_mfa_enabled", None)
    if cached is None:
        cached = is_mfa_enabled(viewer)
        viewer._portal_mfa_enabled = cached
    return cached


def consultation_list() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("forum").order_by("-closes_at", "-id")


def participated_consultation_ids(user) -> set[int]:
    """The consultations a person has written in, fetched once per user object.

    The signed-in person comes from the cache with it (portal.auth): a
    participation recorded or deleted bumps their version.
    """
    known = getattr(user, "_portal_participations", None)
    if known is None:
        known = set(
            PersonParticipation.objects.filter(user=user).values_list("consultation_id", flat=True)
        )
        user._portal_participations = known
    return known


def consultation_get(pk: int, *, cached: bool = False) -> Consultation:
    """One consultation with its Forum and its moderators' ids (for the rules).

    With ``cached``, from the shared cache until the consultation, its
    moderators or its Forum meeting change: for pages, not for services.
    """
    if cached:
        return versioned(
            "consultation",
            pk,
            audience=ANYONE,
            depends_on=["names", f"consultation-meta:{pk}"],
            compute=lambda: consultation_get(pk),
        )
    consultation = Consultation.objects.select_related("forum").get(pk=pk)
    consultation_moderator_ids(consultation)
    return consultation


def consultation_recommendations(consultation: Consultation) -> QuerySet[Recommendation]:
    """The recommendations in scope, in the report's order."""
    recommendations = Recommendation.objects.select_related("session")
    if consultation.scope == ConsultationScope.SESSIONS:
        recommendations = recommendations.filter(session__in=consultation.sessions.values("pk"))
    elif consultation.scope == ConsultationScope.RECOMMENDATIONS:
        recommendations = recommendations.filter(pk__in=consultation.recommendations.values("pk"))
    return recommendations.order_by("session__number", "number")


def consultation_recommendation_rows(consultation: Consultation) -> list[Recommendation]:
    """Recommendations in scope, each with ``stats`` from the counters (two queries)."""
    recommendations = list(consultation_recommendations(consultation))
    stats = {
        row.recommendation_id: row
        for row in RecommendationStats.objects.filter(consultation=consultation)
    }
    for recommendation in recommendations:
        recommendation.stats = stats.get(recommendation.pk) or RecommendationStats(
            consultation=consultation, recommendation=recommendation
        )
    return recommendations


def recommendation_in_consultation(consultation: Consultation, slug: str) -> Recommendation:
    """A recommendation by slug, only if it is in the consultation's scope."""
    return consultation_recommendations(consultation).get(slug=slug)


def _gender_group(value: str) -> str:
    value = (value or "").strip().lower()
    for group, words in GENDER_GROUPS.items():
        if value in words:
            return group
    return "other"


def suppress_gender_counts(counts_by_value: dict[str, int]) -> list[tuple[str, int]]:
    """Aggregate self-described genders so that nobody's can be told.

    Values are mapped to a few groups (free text is never shown); groups under
    GENDER_MIN_CELL people are folded into "other or not stated", and so is the
    smallest named group while that combined cell is under GENDER_MIN_CELL.
    Every figure shown is then at least GENDER_MIN_CELL; with fewer than
    GENDER_MIN_TOTAL people, or a single group left, nothing is shown.
    """
    if sum(counts_by_value.values()) < GENDER_MIN_TOTAL:
        return []
    counts: dict[str, int] = {}
    for value, count in counts_by_value.items():
        group = _gender_group(value)
        counts[group] = counts.get(group, 0) + count
    shown: dict[str, int] = {"other": counts.pop("other", 0)}
    for group, count in counts.items():
        if count >= GENDER_MIN_CELL:
            shown[group] = count
        else:
            shown["other"] += count
    # The combined cell must be empty or large enough too: fold in the smallest
    # named group until it is.
    while 0 < shown["other"] < GENDER_MIN_CELL and len(shown) > 1:
        smallest = min((g for g in shown if g != "other"), key=lambda g: (shown[g], g))
        shown["other"] += shown.pop(smallest)
    if len([count for count in shown.values() if count]) < 2:
        # A single group would tell everyone's gender: show nothing.
        return []
    order = ["woman", "man", "non_binary", "other"]
    return [(str(GENDER_LABELS[g]), shown[g]) for g in order if shown.get(g)]


@dataclass
class ParticipationFigures:
    organisations: int = 0
    people: int = 0
    comments: int = 0
    endorsements: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_region: list[tuple[str, int]] = field(default_factory=list)
    by_gender: list[tuple[str, int]] = field(default_factory=list)


def consultation_figures(consultation: Consultation) -> ParticipationFigures:
    """Participation figures from the participation rows and counters (three queries)."""
    kind_labels = dict(OrganisationKind.choices)
    organisations = OrganisationParticipation.objects.filter(consultation=consultation)
    by_kind_rows = (
        organisations.values("organisation__kind")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__kind")
    )
    by_region_rows = (
        organisations.values("organisation__region")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__region")
    )
    genders = {
        row["user__gender"] or "": row["n"]
        for row in PersonParticipation.objects.filter(consultation=consultation)
        .values("user__gender")
        .annotate(n=Count("id"))
        .order_by()
    }
    by_kind = [(str(kind_labels.get(r["organisation__kind"], "")), r["n"]) for r in by_kind_rows]
    by_region = [
        ((str(_(r["organisation__region"])) if r["organisation__region"] else ""), r["n"])
        for r in by_region_rows
    ]
    return ParticipationFigures(
        organisations=sum(n for _label, n in by_kind),
        people=sum(genders.values()),
        comments=consultation.comment_count,
        endorsements=consultation.endorsement_count,
        by_kind=by_kind,
        by_region=by_region,
        by_gender=suppress_gender_counts(genders),
    )


@dataclass
class Tally:
    support: int = 0
    reservations: int = 0
    oppose: int = 0
    by_kind: list[dict] = field(default_factory=list)
    by_region: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.support + self.reservations + self.oppose


def _breakdown(rows, key: str, labels: dict | None = None) -> list[dict]:
    table: dict[str, dict] = {}
    for row in rows:
        name = row[key] or ""
        label = str(labels.get(name, name)) if labels else str(_(name))
        entry = table.setdefault(
            name, {"label": label, Stance.SUPPORT: 0, Stance.RESERVATIONS: 0, Stance.OPPOSE: 0}
        )
        entry[row["stance"]] = row["n"]
    result = list(table.values())
    for entry in result:
        entry["support"] = entry.pop(Stance.SUPPORT)
        entry["reservations"] = entry.pop(Stance.RESERVATIONS)
        entry["oppose"] = entry.pop(Stance.OPPOSE)
        entry["total"] = entry["support"] + entry["reservations"] + entry["oppose"]
    return sorted(result, key=lambda e: (-e["total"], e["label"]))


def recommendation_tally(consultation: Consultation, recommendation, *, cached=False) -> Tally:
    """Tallies by stance (counters) and by kind and region (three queries, none on a hit)."""
    if cached:
        return versioned(
            "tally",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=discussion_versions(consultation, recommendation),
            compute=lambda: recommendation_tally(consultation, recommendation),
        )
    stats = RecommendationStats.objects.filter(
        consultation=consultation, recommendation=recommendation
    ).first()
    active = Endorsement.objects.active().filter(
        consultation=consultation, recommendation=recommendation
    )
    by_kind = active.values("organisation__kind", "stance").annotate(n=Count("id")).order_by()
    by_region = active.values("organisation__region", "stance").annotate(n=Count("id")).order_by()
    return Tally(
        support=stats.support_count if stats else 0,
        reservations=stats.reservations_count if stats else 0,
        oppose=stats.oppose_count if stats else 0,
        by_kind=_breakdown(by_kind, "organisation__kind", dict(OrganisationKind.choices)),
        by_region=_breakdown(by_region, "organisation__region"),
    )


def endorsement_list(consultation: Consultation, recommendation) -> list[Endorsement]:
    """Active endorsements with their organisations and co-signed statements (one query)."""
    return list(
        Endorsement.objects.active()
        .filter(consultation=consultation, recommendation=recommendation)
        .select_related("organisation", "cosigned__organisation")
        .order_by("stance", "created_at", "id")
    )


STATEMENTS_PER_PAGE = 25


def endorsement_page(
    consultation: Consultation,
    recommendation,
    *,
    page_number=1,
    per_page: int = STATEMENTS_PER_PAGE,
    cached: bool = False,
) -> Page:
    """One page of the active endorsements, in endorsement_list's order (three queries).

    The number of stances comes from the recommendation's counters.

    A hot recommendation gathers thousands of stances: the page shows them a
    page at a time, so its weight and rendering time do not grow with them.
    The page's ids are found first, on the partial index alone, and only those
    rows are joined to their organisations: joining first made the planner
    sort every stance of the recommendation for a deep page (30 ms at page 50
    of 2,300 stances, against 2 ms this way).
    """
    order = ("stance", "created_at", "id")

    def load() -> dict:
        # How many there are comes from the counters the services keep: a COUNT
        # of the stances grows with them (8 ms for 23,000 at scale 10).
        counters = RecommendationStats.objects.filter(
            consultation=consultation, recommendation=recommendation
        ).first()
        ids = (
            Endorsement.objects.active()
            .filter(consultation=consultation, recommendation=recommendation)
            .order_by(*order)
            .values_list("id", flat=True)
        )
        paginator = Paginator(ids, per_page)
        paginator.count = counters.endorsement_total if counters else 0  # not counted
        page = paginator.get_page(page_number)
        rows = (
            Endorsement.objects.filter(id__in=list(page.object_list))
            .select_related("organisation", "cosigned__organisation")
            .order_by(*order)
        )
        return {"count": page.paginator.count, "number": page.number, "rows": list(rows)}

    if cached:
        data = versioned(
            "statements",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=discussion_versions(consultation, recommendation),
            variant=(page_number, per_page),
            compute=load,
        )
    else:
        data = load()
    page = Paginator(_Counted(data["count"]), per_page).page(data["number"])
    page.object_list = data["rows"]
    return page


def endorsement_history(endorsement: Endorsement) -> list[EndorsementChange]:
    return list(endorsement.changes.select_related("by").order_by("created_at", "id"))


@dataclass
class CommentPage:
    threads: list[Comment]
    sort: str
    count: int
    previous_cursor: str | None = None
    next_cursor: str | None = None
    last_cursor: str | None = None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def comment_list(*, consultation: Consultation) -> QuerySet[Comment]:
    """A consultation's comments as its debates show them.

    A deleted comment stays, as a placeholder, only while it is answered: a
    thread while it has replies, a reply while a live reply answers it.
    """
    live_children = Comment.objects.filter(parent=OuterRef("pk"), deleted_at__isnull=True)
    return (
        Comment.objects.filter(consultation=consultation)
        .annotate(answered=Exists(live_children))
        .filter(
            Q(deleted_at__isnull=True)
            | Q(root__isnull=True, reply_count__gt=0)
            | Q(root__isnull=False, answered=True)
        )
        .select_related("author", "organisation", "recommendation", "root")
    )


def set_comment_visibility(comment: Comment, viewer, is_moderator: bool, now) -> None:
    """Decide, per viewer, what of a comment is shown; no query."""
    is_author = bool(is_comment_author(viewer, comment))
    comment.viewer_is_author = is_author
    comment.show_body = False
    comment.show_hidden_reason = False
    if comment.is_deleted:
        comment.display = "deleted"
    elif comment.is_hidden:
        comment.display = "hidden"
        comment.show_body = is_moderator or is_author
        comment.show_hidden_reason = is_moderator or is_author
    else:
        comment.display = "visible"
        comment.show_body = True
    comment.can_edit = (
        is_author and comment.display == "visible" and now - comment.created_at <= EDIT_WINDOW
    )
    comment.can_delete = is_author and comment.display == "visible"


class _Counted:
    """Stands for a list of ``count`` items, so a Paginator can be rebuilt from a count."""

    def __init__(self, count: int):
        self.count_value = count

    def __len__(self) -> int:
        return self.count_value

    def __getitem__(self, index):
        return []


def _thread_roots(consultation, recommendation) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(
            consultation=consultation, recommendation=recommendation, root__isnull=True
        )
        .exclude(deleted_at__isnull=False, reply_count=0)
        .select_related("author", "organisation")
    )


def _key_compare(sort: str, operator: str, key: tuple = (), thread: int | None = None, *, ids=()):
    """``(sort columns) <operator> key`` as one row comparison, which an index walks.

    With ``thread`` the right side is that thread's own key, read by scalar
    subqueries in the same statement (no count, no extra round trip).
    """
    table = connection.ops.quote_name(Comment._meta.db_table)
    names = THREAD_KEYS[sort]
    columns = ", ".join(f"{table}.{connection.ops.quote_name(name)}" for name in names)
    if thread is not None:
        anchor = connection.ops.quote_name("thread_anchor")
        where = (
            f"{anchor}.{connection.ops.quote_name('id')} = %s"
            f" AND {anchor}.{connection.ops.quote_name('consultation_id')} = %s"
            f" AND {anchor}.{connection.ops.quote_name('recommendation_id')} = %s"
            f" AND {anchor}.{connection.ops.quote_name('root_id')} IS NULL"
        )
        values = ", ".join(
            # Only quoted column names from THREAD_KEYS; the values are parameters.
            f"(SELECT {anchor}.{connection.ops.quote_name(name)} FROM {table} {anchor}"  # noqa: S608
            f" WHERE {where})"
            for name in names
        )
        params = [thread, *ids] * len(names)
    else:
        values = ", ".join(["%s"] * len(names))
        params = [
            Comment._meta.get_field(name).get_db_prep_value(value, connection)
            for name, value in zip(names, key, strict=True)
        ]
    return RawSQL(  # noqa: S611 - column names and operators are constants, values parameters
        f"({columns}) {operator} ({values})", params, output_field=BooleanField()
    )


def _thread_key(sort: str, comment: Comment) -> tuple:
    return tuple(getattr(comment, name) for name in THREAD_KEYS[sort])


def _thread_page(consultation, recommendation, sort: str, cursor, per_page: int) -> dict:
    """One page of threads at ``cursor`` with all their replies, as plain data.

    Keyset pagination: every page reads ``per_page + 1`` index entries from
    where the cursor points, however deep (two or three queries; one more
    when a cursor points past the ends).
    """
    roots = _thread_roots(consultation, recommendation)
    forward = COMMENT_SORTS[sort]
    backward = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in forward)
    descending = sort in DESCENDING
    after, before = ("<", ">") if descending else (">", "<")
    ids = (consultation.pk, recommendation.pk)
    kind = cursor.kind if cursor else "first"
    has_previous = has_next = False
    if kind == "after":
        rows = list(
            roots.filter(_key_compare(sort, after, cursor.key)).order_by(*forward)[: per_page + 1]
        )
        has_previous, has_next = True, len(rows) > per_page
        if not rows:  # nothing after it any more: the end
            kind = "last"
    elif kind == "before":
        rows = list(
            roots.filter(_key_compare(sort, before, cursor.key)).order_by(*backward)[: per_page + 1]
        )
        has_previous, has_next = len(rows) > per_page, True
        rows = rows[:per_page][::-1]
        if len(rows) < per_page:  # the start: a full first page instead
            kind = "first"
    elif kind == "thread":
        rows = list(
            roots.filter(_key_compare(sort, after + "=", thread=cursor.thread, ids=ids)).order_by(
                *forward
            )[: per_page + 1]
        )
        has_next = len(rows) > per_page
        if rows:
            has_previous = roots.filter(
                _key_compare(sort, before, thread=cursor.thread, ids=ids)
            ).exists()
        else:  # not a thread of this debate (any more)
            kind = "first"
    if kind == "last":
        rows = list(roots.order_by(*backward)[: per_page + 1])
        has_previous, has_next = len(rows) > per_page, False
        rows = rows[:per_page][::-1]
    elif kind == "first":
        rows = list(roots.order_by(*forward)[: per_page + 1])
        has_previous, has_next = False, len(rows) > per_page
    threads = rows[:per_page]
    replies_by_root: dict[int, list[Comment]] = {}
    if threads:
        replies = (
            Comment.objects.filter(root__in=[c.pk for c in threads])
            .select_related("author", "organisation", "parent__author", "parent__organisation")
            .order_by("created_at", "id")
        )
        for reply in replies:
            replies_by_root.setdefault(reply.root_id, []).append(reply)
    return {
        "threads": threads,
        "replies": replies_by_root,
        "previous": before_cursor(sort, _thread_key(sort, threads[0])) if has_previous else None,
        "next": after_cursor(sort, _thread_key(sort, threads[-1])) if has_next else None,
    }


def _thread_count(consultation, recommendation) -> int:
    """How many threads the debate shows.

    A COUNT over the partial index of first comments (no counter keeps this
    figure: a deleted first comment stays while it has replies); shared through
    the cache, so it runs once per change to the debate, not once per page.
    """
    return _thread_roots(consultation, recommendation).count()


def discussion_versions(consultation: Consultation, recommendation) -> list[str]:
    """What a recommendation's debate in a consultation depends on (core.page_cache)."""
    return ["names", f"discussion:{consultation.pk}:{recommendation.slug}"]


def comment_threads(
    consultation: Consultation,
    recommendation,
    *,
    viewer,
    sort: str = "oldest",
    cursor: str = "",
    per_page: int = COMMENTS_PER_PAGE,
    cached: bool = False,
) -> CommentPage:
    """One page of threads with all their replies (three to five queries, none when cached).

    ``cursor`` comes from the links of a page (consultations.cursors); a
    missing or malformed one gives the first page. A deleted first comment
    stays as a placeholder only while it has replies; a deleted reply stays
    only while another reply answers it. With ``cached`` the rows come from
    the shared cache, invalidated by every write to the debate; what the
    viewer may see is decided afresh on every request.
    """
    if sort not in COMMENT_SORTS:
        sort = "oldest"
    position = decode_cursor(cursor, sort)
    if position is None:
        cursor = ""
    names = discussion_versions(consultation, recommendation)
    if cached:
        data = versioned(
            "threads",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=names,
            variant=(sort, cursor, per_page),
            compute=lambda: _thread_page(consultation, recommendation, sort, position, per_page),
        )
    else:
        data = _thread_page(consultation, recommendation, sort, position, per_page)
    threads = data["threads"]
    if data["previous"] is None and data["next"] is None:
        count = len(threads)  # the whole debate is on this page: nothing to count
    elif cached:
        count = versioned(
            "thread-count",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=names,
            compute=lambda: _thread_count(consultation, recommendation),
        )
    else:
        count = _thread_count(consultation, recommendation)
    replies_by_root = data["replies"]
    is_moderator = acts_as_moderator(viewer, consultation)
    now = timezone.now()
    for root in threads:
        thread_replies = replies_by_root.get(root.pk, [])
        answered = {r.parent_id for r in thread_replies if not r.is_deleted}
        root.replies = [r for r in thread_replies if not r.is_deleted or r.pk in answered]
        root.is_locked = root.locked_at is not None
        set_comment_visibility(root, viewer, is_moderator, now)
        for reply in root.replies:
            reply.is_locked = root.is_locked
            set_comment_visibility(reply, viewer, is_moderator, now)
    return CommentPage(
        threads=threads,
        sort=sort,
        count=count,
        previous_cursor=data["previous"],
        next_cursor=data["next"],
        last_cursor=last_cursor(sort) if data["next"] else None,
    )


def comment_landing(comment: Comment, *, sort: str = "oldest") -> str:
    """The cursor of the page that shows a comment just posted (no query).

    A new thread is on the last page in the oldest-first order and on the
    first in the newest-first order; otherwise the page starts with its thread.
    """
    if sort not in COMMENT_SORTS:
        sort = "oldest"
    if comment.root_id is None and sort == "oldest":
        return last_cursor(sort)
    if comment.root_id is None and sort == "newest":
        return ""
    return thread_cursor(comment.thread_id)


def synthesis_get(consultation: Consultation, recommendation, *, cached=False) -> Synthesis | None:
    if cached:
        return versioned(
            "synthesis",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=discussion_versions(consultation, recommendation),
            compute=lambda: (synthesis_get(consultation, recommendation),),
        )[0]
    return (
        Synthesis.objects.filter(consultation=consultation, recommendation=recommendation)
        .select_related("updated_by")
        .first()
    )


def _verified_memberships(viewer) -> list:
    if not viewer or not viewer.is_authenticated:
        return []
    return [m for m in user_memberships(viewer) if m.organisation.is_verified]


def speaking_organisations(viewer) -> list:
    """The verified organisations a person may post for (one query, none if read already).

    What posting a comment needs of viewer_state, without follows or stances.
    """
    return [membership.organisation for membership in _verified_memberships(viewer)]


def representing_organisations(viewer) -> list:
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


# How many of an organisation's latest stance changes a page shows.
STANCE_HISTORY_SHOWN = 10


def viewer_state(
    viewer, consultation: Consultation, recommendation=None, *, cached: bool = False
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
            names += discussion_versions(consultation, recommendation)
        else:
            names.append("names")
        return versioned(
            "viewer-state",
            (consultation.pk, getattr(recommendation, "pk", "")),
            audience=person(viewer.pk),
            depends_on=names,
            compute=lambda: viewer_state(viewer, consultation, recommendation),
        )
    state.is_moderator = acts_as_moderator(viewer, consultation)
    state.is_suspended = is_suspended_from(viewer, consultation)
    state.speaking_organisations = speaking_organisations(viewer)
    state.representing_organisations = representing_organisations(viewer)
    follows = Follow.objects.filter(user=viewer).filter(
        Q(consultation=consultation)
        | (Q(recommendation=recommendation) if recommendation else Q(pk__in=[]))
    )
    for follow in follows:
        if follow.consultation_id:
            state.follows_consultation = True
        else:
            state.follows_recommendation = True
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


def moderation_queue(viewer, *, consultation: Consultation | None = None) -> QuerySet[Comment]:
    """Flagged comments in the consultations the viewer moderates, most flagged first."""
    comments = Comment.objects.filter(open_flag_count__gt=0)
    if not is_moderator(viewer):
        comments = comments.filter(consultation__moderators=viewer)
    if consultation is not None:
        comments = comments.filter(consultation=consultation)
    return (
        comments.select_related(
            "author", "organisation", "consultation", "recommendation", "hidden_by"
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(resolved_at__isnull=True).select_related("user"),
                to_attr="open_flags",
            )
        )
        .order_by("-open_flag_count", "created_at", "id")
    )


def moderated_consultations(viewer) -> QuerySet[Consultation]:
    consultations = Consultation.objects.select_related("forum")
    if not is_moderator(viewer):
        consultations = consultations.filter(moderators=viewer)
    return consultations.order_by("-closes_at", "-id")


def audit_log(
    viewer,
    *,
    consultation_id: int | None = None,
    action: str = "",
    actor_id: int | None = None,
) -> QuerySet[ModerationAction]:
    """The audit log as a moderator may read it, filtered."""
    actions = ModerationAction.objects.select_related("actor", "consultation")
    if not is_moderator(viewer):
        actions = actions.filter(consultation__moderators=viewer)
    if consultation_id:
        actions = actions.filter(consultation_id=consultation_id)
    if action:
        actions = actions.filter(action=action)
    if actor_id:
        actions = actions.filter(actor_id=actor_id)
    return actions.order_by("-created_at", "-id")


def active_suspensions(consultation: Consultation) -> list[Suspension]:
    return list(
        Suspension.objects.filter(consultation=consultation, lifted_at__isnull=True)
        .select_related("user", "created_by")
        .order_by("-created_at")
    )
