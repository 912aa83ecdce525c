import time

import pytest
from django.core.cache import cache

from portal.tasks import heartbeat


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
