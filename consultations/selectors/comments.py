"""Reads for comments: threads, pages, landings, syntheses."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User
from core.page_cache import ANYONE, versioned
from recommendations.models import Recommendation

from ..cursors import (
    DESCENDING,
    THREAD_KEYS,
    after_cursor,
    before_cursor,
    decode_cursor,
    last_cursor,
    thread_cursor,
)
from ..models import (
    EDIT_WINDOW,
    Comment,
    Consultation,
    Synthesis,
)
from ..rules import (
    is_comment_author,
)
from ._common import (
    COMMENT_SORTS,
    COMMENTS_PER_PAGE,
    acts_as_moderator,
)


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


def set_comment_visibility(
    *, comment: Comment, viewer: User | AnonymousUser, is_moderator: bool, now: datetime
) -> None:
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


def discussion_versions(*, consultation: Consultation, recommendation: Recommendation) -> list[str]:
    """What a recommendation's debate in a consultation depends on (core.page_cache)."""
    return ["names", f"discussion:{consultation.pk}:{recommendation.slug}"]


def _page_data(consultation, recommendation, sort, cursor, per_page, *, cached) -> dict:
    """The rows of one page of threads, shared through the cache with ``cached``."""
    position = decode_cursor(cursor, sort)
    if position is None:
        cursor = ""
    if not cached:
        return _thread_page(consultation, recommendation, sort, position, per_page)
    return versioned(
        "threads",
        (consultation.pk, recommendation.pk),
        audience=ANYONE,
        depends_on=discussion_versions(consultation=consultation, recommendation=recommendation),
        variant=(sort, cursor, per_page),
        compute=lambda: _thread_page(consultation, recommendation, sort, position, per_page),
    )


def comment_threads(
    *,
    consultation: Consultation,
    recommendation: Recommendation,
    viewer: User | AnonymousUser,
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
    data = _page_data(consultation, recommendation, sort, cursor, per_page, cached=cached)
    threads = data["threads"]
    if data["previous"] is None and data["next"] is None:
        count = len(threads)  # the whole debate is on this page: nothing to count
    elif cached:
        count = comment_thread_count(
            consultation=consultation, recommendation=recommendation, sort=sort, cursor=cursor
        )
    else:
        count = _thread_count(consultation, recommendation)
    replies_by_root = data["replies"]
    is_moderator = acts_as_moderator(viewer=viewer, consultation=consultation)
    now = timezone.now()
    for root in threads:
        thread_replies = replies_by_root.get(root.pk, [])
        answered = {r.parent_id for r in thread_replies if not r.is_deleted}
        root.replies = [r for r in thread_replies if not r.is_deleted or r.pk in answered]
        root.is_locked = root.locked_at is not None
        set_comment_visibility(comment=root, viewer=viewer, is_moderator=is_moderator, now=now)
        for reply in root.replies:
            reply.is_locked = root.is_locked
            set_comment_visibility(comment=reply, viewer=viewer, is_moderator=is_moderator, now=now)
    return CommentPage(
        threads=threads,
        sort=sort,
        count=count,
        previous_cursor=data["previous"],
        next_cursor=data["next"],
        last_cursor=last_cursor(sort) if data["next"] else None,
    )


def comment_thread_count(
    *,
    consultation: Consultation,
    recommendation: Recommendation,
    sort: str = "oldest",
    cursor: str = "",
) -> int:
    """How many threads the debate shows, from the shared cache.

    Worked out once per change to the debate, from the page of threads the
    reader asks for (``sort``, ``cursor``): counted only when that page does
    not hold them all.
    """
    if sort not in COMMENT_SORTS:
        sort = "oldest"

    def count() -> int:
        data = _page_data(
            consultation, recommendation, sort, cursor, COMMENTS_PER_PAGE, cached=True
        )
        if data["previous"] is None and data["next"] is None:
            return len(data["threads"])
        return _thread_count(consultation, recommendation)

    return versioned(
        "thread-count",
        (consultation.pk, recommendation.pk),
        audience=ANYONE,
        depends_on=discussion_versions(consultation=consultation, recommendation=recommendation),
        compute=count,
    )


def comment_page_author_ids(
    *,
    consultation: Consultation,
    recommendation: Recommendation,
    sort: str = "oldest",
    cursor: str = "",
) -> frozenset[int]:
    """Who wrote the comments a page of threads shows, from the shared cache.

    A reader sees their own comments with links of their own (edit, delete,
    no flag): only a page that shows one of them differs from what other
    readers of their kind see.
    """

    def authors() -> frozenset[int]:
        page = comment_threads(
            consultation=consultation,
            recommendation=recommendation,
            viewer=AnonymousUser(),
            sort=sort,
            cursor=cursor,
            cached=True,
        )
        comments = [c for thread in page.threads for c in (thread, *thread.replies)]
        return frozenset(c.author_id for c in comments if c.author_id is not None)

    return versioned(
        "thread-authors",
        (consultation.pk, recommendation.pk),
        audience=ANYONE,
        depends_on=discussion_versions(consultation=consultation, recommendation=recommendation),
        variant=(sort, cursor),
        compute=authors,
    )


def comment_landing(*, comment: Comment, sort: str = "oldest") -> str:
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


def synthesis_get(
    *, consultation: Consultation, recommendation: Recommendation, cached: bool = False
) -> Synthesis | None:
    if cached:
        return versioned(
            "synthesis",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=discussion_versions(
                consultation=consultation, recommendation=recommendation
            ),
            compute=lambda: (
                synthesis_get(consultation=consultation, recommendation=recommendation),
            ),
        )[0]
    return (
        Synthesis.objects.filter(consultation=consultation, recommendation=recommendation)
        .select_related("updated_by")
        .first()
    )
