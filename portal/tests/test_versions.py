"""Cache versions read once per request, and missing values computed once among requests."""

import threading
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consultations import services
from consultations.tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    RecommendationFactory,
)
from core import page_cache
from core.page_cache import VERSION_PREFIX, VersionSnapshotMiddleware, bump, cached, versions


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def in_a_request(work):
    """Run ``work()`` as a view would, within one request's snapshot of versions."""
    return VersionSnapshotMiddleware(lambda request: work())(None)


# --- one reading of each version per request --------------------------------------


def test_outside_a_request_each_read_sees_the_latest_version():
    first = versions(["names"])
    cache.set(VERSION_PREFIX + "names", "changed elsewhere", timeout=None)
    assert versions(["names"]) == ["changed elsewhere"] != first


@pytest.mark.django_db
def test_within_a_request_versions_are_read_once_and_follow_its_own_writes():
    def work():
        first = versions(["names", "consultation:1"])
        cache.set(VERSION_PREFIX + "names", "changed by another request", timeout=None)
        unchanged = versions(["names"])
        bump("names")  # this request's own write
        return first, unchanged, versions(["names"])

    first, unchanged, after_own_write = in_a_request(work)
    assert unchanged == first[:1]
    assert after_own_write != first[:1]
    assert after_own_write == versions(["names"])  # what the cache holds now


@pytest.mark.django_db
def test_a_signed_in_debate_page_reads_each_version_once(monkeypatch):
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    member = MembershipFactory()
    services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Hello.", by=member.user
    )
    url = reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )
    reader = Client()
    reader.force_login(member.user)
    reader.get(url)  # fills the caches
    asked = Counter()
    real_get_many = cache.get_many

    def counting_get_many(keys, *args, **kwargs):
        asked.update(key for key in keys if key.startswith(VERSION_PREFIX))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting_get_many)
    page = reader.get(url)
    assert page.status_code == 200 and "Hello." in page.content.decode()
    assert asked  # the versions were read ...
    assert max(asked.values()) == 1  # ... each of them once


# --- missing values computed once -------------------------------------------------------


def test_requests_missing_the_same_value_together_compute_it_once(monkeypatch):
    computed = []
    waiters = set()
    both_waiting = threading.Event()
    real_sleep = page_cache.time.sleep

    def sleep(seconds):
        waiters.add(threading.get_ident())
        if len(waiters) == 2:
            both_waiting.set()
        real_sleep(seconds)

    monkeypatch.setattr(page_cache.time, "sleep", sleep)

    def compute():
        computed.append(1)
        assert both_waiting.wait(timeout=5)  # the two others ask meanwhile
        return "rendered"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cached("key", compute)))]
    threads[0].start()
    while not computed:
        real_sleep(0.001)
    threads += [threading.Thread(target=lambda: results.append(cached("key", compute)))]
    threads += [threading.Thread(target=lambda: results.append(cached("key", compute)))]
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == ["rendered"] * 3
    assert len(computed) == 1


def test_a_failed_computation_lets_the_others_compute_at_once():
    def failing():
        raise LookupError("no such page")

    with pytest.raises(LookupError):
        cached("failing-key", failing)
    assert cache.get("lock:failing-key") is None
    assert cached("failing-key", lambda: "second try") == "second try"


def test_a_waiting_request_takes_the_value_the_other_one_computed(monkeypatch):
    cache.add("lock:busy-key", 1)  # another request is computing it

    def delivered_meanwhile(seconds):
        cache.set("busy-key", "from the other request")

    monkeypatch.setattr(page_cache.time, "sleep", delivered_meanwhile)

    def must_not_compute():
        raise AssertionError("computed twice")

    assert cached("busy-key", must_not_compute) == "from the other request"


def test_a_request_waits_no_longer_than_the_limit(monkeypatch):
    cache.add("lock:slow-key", 1)  # the other request never delivers
    monkeypatch.setattr(page_cache, "COMPUTE_WAIT_SECONDS", 0)
    assert cached("slow-key", lambda: "computed here") == "computed here"


def test_without_the_cache_nobody_waits(settings, monkeypatch):
    # Nothing listens on port 1: every cache call is refused at once.
    settings.CACHES = {
        "default": {"BACKEND": "core.cache_backend.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    def no_waiting(seconds):
        raise AssertionError("waited for a lock nobody can take")

    monkeypatch.setattr(page_cache.time, "sleep", no_waiting)
    assert cached("any-key", lambda: "computed") == "computed"
