import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

WORKER_READY_TIMEOUT = 90  # seconds; a loaded CI machine can take a while to import Django


@dataclass
class WorkerProcess:
    """A running `celery worker`, consuming only its own queue."""

    process: subprocess.Popen
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def celery_worker_process(tmp_path):
    """A real `celery worker` process on the configured Redis broker.

    The worker listens on a queue named for this test only, so a worker left
    over from another run, or another suite sharing the Redis database, cannot
    take the task; the fixture returns once the worker says it is ready, and
    stops it (then kills it if it hangs) afterwards. Its output goes to a file,
    shown when the test fails, so a chatty worker never blocks on a full pipe.
    """
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must be set for tests marked redis.")
    queue = f"portal-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "celery-worker.log"
    env = dict(
        os.environ, CELERY_TASK_ALWAYS_EAGER="false", PORTAL_TESTING="false", PYTHONUNBUFFERED="1"
    )
    if connection.vendor == "postgresql" and os.environ.get("DATABASE_URL"):
        # The worker sees the test database, so a test marked
        # django_db(transaction=True) can hand it rows to work on.
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--queues={queue}",
                f"--hostname={queue}@%h",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    worker = WorkerProcess(process=process, queue=queue, log_path=log_path)
    try:
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while " ready." not in worker.log():
            if process.poll() is not None:
                pytest.fail(f"The Celery worker exited with {process.returncode}:\n{worker.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker was not ready in time:\n{worker.log()}")
            time.sleep(0.2)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
