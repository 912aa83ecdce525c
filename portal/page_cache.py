"""Whole pages for anonymous visitors, served from the shared cache and invalidated by writes.

Only requests that cannot carry a person's state are served from the cache: a
GET without a session cookie, a messages cookie or an Authorization header,
and not an HTMX request. Everything a signed-in person sees is rendered for
them, so one person's page is never shown to another.

A cached page is stored under the versions of what it shows: ``names`` (the
report, organisations and people, whose public names and at-risk masking
appear everywhere), ``consultation:<pk>`` (anything written in a
consultation: comments, stances, syntheses, its own fields) and
``discussion:<pk>:<slug>`` (one recommendation's debate in one consultation).
Model signals bump those versions when the rows change, once at once and again
after the transaction commits, so a page rendered from data read before the
commit is never stored under the new version. Pages also expire after
PAGE_CACHE_SECONDS, which bounds what only time changes ("time left").

The CSRF token is the only per-visitor part of an anonymous page: it is
rendered as a placeholder (portal.context_processors) and replaced with the
visitor's own token when the page is served.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve

CSRF_PLACEHOLDER = "csrf-placeholder-4c1f0d7e9a2b"
VERSION_PREFIX = "page-version:"
PAGE_PREFIX = "page:"
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


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 60))


# --- versions ------------------------------------------------------------------------


def _bump_now(names) -> None:
    for name in names:
        key = VERSION_PREFIX + name
        try:
            cache.incr(key)
        except ValueError:
            # Missing (never set or evicted): a fresh, never-used value.
            cache.set(key, time.time_ns(), timeout=None)


def bump(*names: str) -> None:
    """Invalidate the pages that depend on ``names``, now and again after commit."""
    _bump_now(names)
    transaction.on_commit(lambda: _bump_now(names))


def versions(names: list[str]) -> list:
    keys = [VERSION_PREFIX + name for name in names]
    return _current_versions(cache.get_many(keys), keys)


def versioned(names: list[str], parts: list[str], compute: Callable):
    """``compute()``, shared through the cache until one of ``names`` is bumped.

    For data that every viewer sees alike; what depends on the viewer is
    decided by the caller on every request.
    """
    key = (
        "data:"
        + hashlib.sha256("\x1f".join([*parts, *map(str, versions(names))]).encode()).hexdigest()
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=page_cache_seconds() or 60)
    return value


# --- the middleware ------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if request.method != "GET" or page_cache_seconds() <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not (request.headers.get("Authorization") or request.headers.get("HX-Request"))


def _page_key(request) -> str:
    parts = [request.get_full_path(), getattr(request, "LANGUAGE_CODE", "")]
    return PAGE_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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


def _with_token(request, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


def _api_throttles_allow(request) -> bool:
    """Apply the API's throttles to a response served from the cache too.

    When one refuses, the view runs and answers with its own 429.
    """
    from rest_framework.settings import api_settings

    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        try:
            if not throttle_class().allow_request(request, None):
                return False
        except Exception:  # a throttle that needs the view: let the view decide
            return False
    return True


class AnonymousPageCacheMiddleware:
    """Serve the pages listed in CACHED_VIEWS to anonymous visitors from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        depends_on = CACHED_VIEWS.get(match.view_name)
        if depends_on is None:
            return self.get_response(request)
        if match.view_name.startswith("api:") and not _api_throttles_allow(request):
            return self.get_response(request)
        # One round trip: the stored page and the versions it must still match.
        key = _page_key(request)
        version_keys = [VERSION_PREFIX + name for name in depends_on(**match.kwargs)]
        found = cache.get_many([key, *version_keys])
        stored = found.get(key)
        current = [found.get(k) for k in version_keys]
        if stored is not None and None not in current and stored["versions"] == current:
            response = HttpResponse(_with_token(request, stored["content"]))
            for header, value in stored["headers"].items():
                response[header] = value
            response["X-Page-Cache"] = "hit"
            return response
        # Read before rendering: a write during the render leaves the page outdated.
        current = _current_versions(found, version_keys)
        request.page_cache_render = True
        response = self.get_response(request)
        if getattr(response, "streaming", False):
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        content = response.content
        if response.status_code == 200 and not response.cookies:
            headers = {h: response[h] for h in STORED_HEADERS if response.has_header(h)}
            cache.set(
                key,
                {"versions": current, "content": content, "headers": headers},
                timeout=page_cache_seconds(),
            )
        response.content = _with_token(request, content)
        response["X-Page-Cache"] = "miss"
        return response


# --- invalidation ----------------------------------------------------------------------

# Fields whose change shows on no public page.
_USER_PRIVATE_FIELDS = {"last_login", "password"}


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


def _on_consultation_change(sender, instance, **kwargs) -> None:
    bump("consultations", f"consultation:{instance.pk}", f"consultation-meta:{instance.pk}")


def _on_forum_change(sender, instance, **kwargs) -> None:
    bump("names")


def _on_names_change(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= _USER_PRIVATE_FIELDS:
        return
    bump("names")


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    from accounts.models import Organisation
    from consultations.models import (
        Comment,
        Consultation,
        Endorsement,
        Forum,
        RecommendationStats,
        Synthesis,
    )
    from recommendations.models import Example, Recommendation, Session, Theme

    uid = "portal.page_cache"
    for model in (Comment, Endorsement, Synthesis, RecommendationStats):
        for signal in (post_save, post_delete):
            signal.connect(_on_discussion_change, sender=model, dispatch_uid=f"{uid}.{model}")
    for signal in (post_save, post_delete):
        signal.connect(_on_consultation_change, sender=Consultation, dispatch_uid=f"{uid}.c")
        signal.connect(_on_forum_change, sender=Forum, dispatch_uid=f"{uid}.f")
        for model in (get_user_model(), Organisation, Recommendation, Session, Theme, Example):
            signal.connect(_on_names_change, sender=model, dispatch_uid=f"{uid}.{model}")
    for through in (Consultation.sessions.through, Consultation.recommendations.through):
        m2m_changed.connect(
            lambda instance, **kwargs: _on_consultation_change(None, instance),
            sender=through,
            dispatch_uid=f"{uid}.{through}",
            weak=False,
        )
