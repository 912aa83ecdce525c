"""Whole pages served from the shared cache and invalidated by writes.

Anonymous visitors share one copy of a page per language: a GET without a
session cookie, a messages cookie or an Authorization header, and not an HTMX
request. A signed-in reader gets a copy of their own of the pages in
READER_CACHED_VIEWS, keyed by their id and time zone and stored under one
more version, ``reader:<id>``, which changes with everything about them that
those pages show (profile, memberships, follows, suspensions, email addresses,
two-factor state). A page with a message waiting is never served nor stored,
and one person's copy is never shown to another.

A cached page is stored under the versions of what it shows: ``names`` (the
report, organisations and people, whose public names and at-risk masking
appear everywhere), ``consultation:<pk>`` (anything written in a
consultation: comments, stances, syntheses, its own fields) and
``discussion:<pk>:<slug>`` (one recommendation's debate in one consultation).
Model signals bump those versions when the rows change, once at once and again
after the transaction commits, so a page rendered from data read before the
commit is never stored under the new version. Pages also expire after
PAGE_CACHE_SECONDS, which bounds what only time changes ("time left").

The CSRF token is the only per-visitor part of a cached page. Its positions
are recorded when the page is rendered: the render writes a marker made for
that render alone (core.context_processors), which no text stored before it
can contain, and the page is kept as the pieces between the markers. Serving
joins the pieces with the visitor's own token; nothing is searched or replaced
in HTML served to anyone.
"""

import contextlib
import hashlib
import secrets
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import get_language

VERSION_PREFIX = "page-version:"
PAGE = "page"
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Allow", "Link")


def _names(**kwargs) -> list[str]:
    return ["names"]


def _consultation(*, pk, **kwargs) -> list[str]:
    return ["names", f"consultation:{pk}"]


def _discussion(*, pk, slug, **kwargs) -> list[str]:
    return ["names", f"consultation-meta:{pk}", f"discussion:{pk}:{slug}"]


# URL name -> the versions its page depends on. Pages left out are never cached.
CACHED_VIEWS: dict[str, Callable[..., list[str]]] = {
    "home": lambda **kwargs: ["names", "consultations"],
    "code-of-conduct": _names,
    "recommendations:recommendation-list": _names,
    "recommendations:session-detail": _names,
    "recommendations:theme-detail": _names,
    "recommendations:search": _names,
    "consultations:consultation-detail": _consultation,
    "consultations:recommendation-detail": _discussion,
    "api:recommendation-list": _names,
    "api:session-list": _names,
    "api:theme-list": _names,
    "api:report-list": _names,
}

# Pages a signed-in reader is served again from their own copy. Each shows, beyond
# the shared versions above, only what reader_version(<their id>) covers: their
# memberships, follows, suspensions, email addresses, two-factor state and profile.
READER_CACHED_VIEWS = {
    "code-of-conduct",
    "recommendations:recommendation-list",
    "recommendations:session-detail",
    "recommendations:theme-detail",
    "consultations:consultation-detail",
    "consultations:recommendation-detail",
}


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 60))


# --- versions ------------------------------------------------------------------------


# The versions one request has read, by name: within a request every cached
# part is looked up under the same versions, read once. Only set while a
# request is served (VersionSnapshotMiddleware); elsewhere each read goes to the cache.
_snapshot: ContextVar[dict | None] = ContextVar("page_cache_versions", default=None)


class VersionSnapshotMiddleware:
    """Read each version once per request, however many cached parts a page is built from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _snapshot.set({})
        try:
            return self.get_response(request)
        finally:
            _snapshot.reset(token)


def _bump_now(names) -> None:
    # A fresh, never-used value for each, in one round trip: versions are only
    # ever compared for equality.
    fresh = {name: uuid.uuid4().hex for name in names}
    cache.set_many({VERSION_PREFIX + name: value for name, value in fresh.items()}, timeout=None)
    # What this request reads after its own write is looked up under the new versions.
    snapshot = _snapshot.get()
    if snapshot is not None:
        snapshot.update(fresh)


def bump(*names: str) -> None:
    """Invalidate the pages that depend on ``names``, now and again after commit."""
    _bump_now(names)
    transaction.on_commit(lambda: _bump_now(names))


def versions(names: list[str]) -> list:
    snapshot = _snapshot.get() or {}
    keys = [VERSION_PREFIX + name for name in names if name not in snapshot]
    return _snapshot_versions(names, cache.get_many(keys) if keys else {})


def _snapshot_versions(names: list[str], found: dict) -> list:
    """The versions of ``names``: as this request first read them, else from ``found``.

    A version missing from the cache is created.
    """
    snapshot = _snapshot.get()
    if snapshot is None:
        return _current_versions(found, [VERSION_PREFIX + name for name in names])
    missing = [name for name in names if name not in snapshot]
    if missing:
        keys = [VERSION_PREFIX + name for name in missing]
        snapshot.update(zip(missing, _current_versions(found, keys), strict=True))
    return [snapshot[name] for name in names]


# Who a cached value is for: everyone alike, anonymous visitors, one role, or one person.
ANYONE = "anyone"
ANONYMOUS = "anonymous"


def role(name: str) -> str:
    return f"role:{name}"


def person(pk) -> str:
    return f"person:{pk}"


def cache_key(entity: str, pk, *, audience: str, versions=(), variant=()) -> str:
    """The key of every cached value, built from all that the value depends on.

    ``entity`` and ``pk`` name what is cached (a recommendation's tally, one
    comment's HTML, a page by its address); ``audience`` says who it is for
    (ANYONE, ANONYMOUS, ``role(...)`` or ``person(...)``); ``versions`` are the
    current values of the versions it was computed under; ``variant`` holds
    whatever else selects it (a page number, a sort order). The active
    language and time zone are always read here, never passed, so no value
    can be stored without them.
    """
    if not entity or pk is None or pk == "":
        raise ValueError("A cache key needs the entity and its id.")
    if audience not in (ANYONE, ANONYMOUS) and not audience.startswith(("role:", "person:")):
        raise ValueError(f"Unknown audience for a cache key: {audience!r}.")
    parts = [
        entity,
        str(pk),
        audience,
        get_language() or "",
        timezone.get_current_timezone_name(),
        *map(str, versions),
        "\x1e",
        *map(str, variant),
    ]
    return f"{entity}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def versioned(entity: str, pk, *, audience: str, depends_on: list[str], variant=(), compute):
    """``compute()``, shared through the cache until one of the versions it ``depends_on`` changes.

    What ``audience`` does not cover (what this viewer may see) is decided by
    the caller on every request.
    """
    key = cache_key(entity, pk, audience=audience, versions=versions(depends_on), variant=variant)
    return cached(key, compute)


@dataclass(frozen=True)
class Block:
    """One ``{% shared %}`` block of a page: what it is, who shares it, what it depends on."""

    entity: str
    ids: tuple
    audience: str | None  # falsy: this reader's copy is rendered afresh and never kept
    depends_on: tuple[str, ...]
    key: str | None = None  # set by read_blocks
    found: object = None  # what the cache held under ``key`` when the page was read


def block(entity: str, *ids, audience: str | None, depends_on: list[str]) -> Block:
    return Block(entity, ids, audience, tuple(depends_on))


def read_blocks(**blocks: Block) -> dict[str, Block]:
    """The page's ``blocks`` with their keys and what the cache holds, in one round trip.

    A view declares the blocks of its page and hands them to its template,
    where ``{% shared blocks.<name> %}`` marks what each one shows.
    """
    keys = {
        name: cache_key(b.entity, b.ids, audience=b.audience, versions=versions(list(b.depends_on)))
        for name, b in blocks.items()
        if b.audience
    }
    found = cache.get_many(list(keys.values())) if keys else {}
    return {
        name: replace(b, key=keys.get(name), found=found.get(keys.get(name)))
        for name, b in blocks.items()
    }


def frame_blocks(request) -> dict[str, Block]:
    """The blocks of the site's frame (base.html) for a view that reads its page's blocks.

    The header is the reader's own (their name, their links, the notice to
    confirm their email address) until anything about them changes; the
    footer is the same for everyone. A view that does not read them gets a
    frame rendered afresh.
    """
    user = request.user
    signed_in = user.is_authenticated
    return {
        "site_header": block(
            "site-header",
            request.GET.get("q", ""),
            audience=person(user.pk) if signed_in else ANONYMOUS,
            depends_on=[reader_version(user.pk)] if signed_in else [],
        ),
        "site_footer": block("site-footer", "frame", audience=ANYONE, depends_on=[]),
    }


# How long a request waits for another one that is computing the value it misses.
COMPUTE_WAIT_SECONDS = 2
_POLL_SECONDS = 0.01


def cached(key: str, compute: Callable):
    """The value kept under ``key``, or ``compute()``, kept there for the others.

    Requests that miss the same key together compute it once: the first takes
    a short lock and the others wait for its result, so a page invalidated
    while many people read it is rendered once rather than by every reader.
    Without the cache (an outage) nobody waits: each request computes.
    """
    value = cache.get(key)
    if value is not None:
        return value
    lock = "lock:" + key
    if not cache.add(lock, 1, timeout=COMPUTE_WAIT_SECONDS):
        deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
        while True:
            found = cache.get_many([key, lock])
            if key in found:
                return found[key]
            # The lock is gone without a value (that computation failed) or the
            # other request is taking too long: compute it here.
            if lock not in found or time.monotonic() >= deadline:
                break
            time.sleep(_POLL_SECONDS)
    try:
        value = compute()
    except BaseException:
        # Let the others compute at once rather than wait for the lock to expire.
        with contextlib.suppress(Exception):
            cache.delete(lock)
        raise
    cache.set(key, value, timeout=page_cache_seconds() or 60)
    return value


# --- the middleware ------------------------------------------------------------------


def reader_version(user_id) -> str:
    """The version of everything about one person that their own pages show."""
    return f"reader:{user_id}"


def _plan(request) -> tuple[str, list[str], bool] | None:
    """The key and versions of the page a request may be served from, and if it is the API's."""
    if request.method != "GET" or page_cache_seconds() <= 0:
        return None
    if request.headers.get("Authorization") or request.headers.get("HX-Request"):
        return None
    if "messages" in request.COOKIES:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    depends_on = CACHED_VIEWS.get(match.view_name)
    if depends_on is None:
        return None
    names = depends_on(**match.kwargs)
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        is_api = match.view_name.startswith("api:")
        return cache_key(PAGE, request.get_full_path(), audience=ANONYMOUS), names, is_api
    if match.view_name not in READER_CACHED_VIEWS:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.session.get("_messages"):
        return None
    # One person's own copy, under the version of everything about them.
    key = cache_key(PAGE, request.get_full_path(), audience=person(user.pk))
    return key, [*names, reader_version(user.pk)], False


def _current_versions(found: dict, keys: list[str]) -> list:
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = time.time_ns()
            if not cache.add(key, value, timeout=None):
                value = cache.get(key, value)
        values.append(value)
    return values


def _with_token(request, pieces: list[bytes]) -> bytes:
    """The page whose ``pieces`` lay around each of its CSRF tokens, with the visitor's own."""
    if len(pieces) == 1:
        return pieces[0]
    return get_token(request).encode().join(pieces)


def _api_throttles_allow(request) -> bool:
    """Apply the API's throttles to an API response served from the cache too.

    Asked only when the cache holds the response: otherwise the view runs and
    its throttles count the request, once. When one refuses, the view runs and
    answers with its own 429 (a refused request is not counted).
    """
    from rest_framework.settings import api_settings

    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        try:
            if not throttle_class().allow_request(request, None):
                return False
        except Exception:  # a throttle that needs the view: let the view decide
            return False
    return True


class PageCacheMiddleware:
    """Serve the pages listed in CACHED_VIEWS from the cache while what they show is unchanged.

    Anonymous visitors share one copy per page and language; a signed-in
    reader gets their own copy of the pages in READER_CACHED_VIEWS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        plan = _plan(request)
        if plan is None:
            return self.get_response(request)
        # One round trip: the stored page and the versions it must still match
        # that this request has not read yet.
        key, names, is_api = plan
        snapshot = _snapshot.get() or {}
        found = cache.get_many(
            [key, *(VERSION_PREFIX + name for name in names if name not in snapshot)]
        )
        stored = found.get(key)
        current = [snapshot.get(name, found.get(VERSION_PREFIX + name)) for name in names]
        if (
            stored is not None
            and None not in current
            and stored["versions"] == current
            and (not is_api or _api_throttles_allow(request))
        ):
            response = HttpResponse(_with_token(request, stored["pieces"]))
            for header, value in stored["headers"].items():
                response[header] = value
            response["X-Page-Cache"] = "hit"
            return response
        # Read before rendering: a write during the render leaves the page outdated.
        current = _snapshot_versions(names, found)
        # Written wherever the page holds the visitor's CSRF token; made for this
        # render alone, so no text stored before it (a comment, a search) holds it.
        request.page_cache_csrf_marker = secrets.token_hex(16)
        response = self.get_response(request)
        if getattr(response, "streaming", False):
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        pieces = response.content.split(request.page_cache_csrf_marker.encode())
        session = getattr(request, "session", None)
        if (
            response.status_code == 200
            and not response.cookies
            and not (session is not None and session.modified)
        ):
            headers = {h: response[h] for h in STORED_HEADERS if response.has_header(h)}
            cache.set(
                key,
                {"versions": current, "pieces": pieces, "headers": headers},
                timeout=page_cache_seconds(),
            )
        response.content = _with_token(request, pieces)
        response["X-Page-Cache"] = "miss"
        return response
