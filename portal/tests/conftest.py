import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def celery_worker_process():
    """A real `celery worker` process on the configured Redis broker."""
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must be set for tests marked redis.")
    env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="false", PORTAL_TESTING="false")
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
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(0.5)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
