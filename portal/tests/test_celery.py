import time

import pytest
from django.core.cache import cache
from django.db import transaction

from portal.celery import enqueue_on_commit
from portal.tasks import heartbeat


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(heartbeat, "after-commit")
        assert cache.get("portal:heartbeat:after-commit") is None
    assert len(callbacks) == 1
    callbacks[0]()
    assert cache.get("portal:heartbeat:after-commit") == "ok"


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_is_dropped_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(heartbeat, "rolled-back")
        raise RuntimeError("the write failed")
    assert cache.get("portal:heartbeat:rolled-back") is None


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_does_not_fail_the_write(monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(heartbeat, "apply_async", broker_down)
    with transaction.atomic():
        enqueue_on_commit(heartbeat, "outage")
    assert "Could not queue portal.tasks.heartbeat" in caplog.text


def test_beat_schedule_lives_in_settings(settings):
    from portal.celery import app

    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert "portal-heartbeat" in app.conf.beat_schedule


@pytest.mark.redis
def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker_process):
    from portal.celery import app

    token = f"worker-{time.time_ns()}"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        heartbeat.apply_async(args=[token], queue=celery_worker_process.queue)
    finally:
        app.conf.task_always_eager = previous
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if cache.get(f"portal:heartbeat:{token}") == "ok":
            break
        time.sleep(0.2)
    assert cache.get(f"portal:heartbeat:{token}") == "ok", celery_worker_process.log()
    assert "Task portal.tasks.heartbeat[" in celery_worker_process.log()


def test_consultation_window_events_run_on_the_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["consultation-window-events"]
    assert entry["task"] == "consultations.tasks.consultation_window_events"
    assert entry["schedule"] <= 600
