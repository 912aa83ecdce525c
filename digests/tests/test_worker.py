"""Through real Redis to real worker processes (run with DATABASE_URL and REDIS_URL set)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from activity.services import activity_record
from consultations.models import Comment, Follow
from digests.models import DigestDelivery
from digests.services import digest_run_for_everyone

from .factories import ConsultationFactory, RecommendationFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def start_worker(queue: str, mail_dir: Path, log_path: Path, interval: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        CELERY_TASK_ALWAYS_EAGER="false",
        PORTAL_TESTING="false",
        PYTHONUNBUFFERED="1",
        EMAIL_URL="",
        DIGEST_SEND_INTERVAL=interval,
    )
    url = urlsplit(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    # The worker writes its emails where the test reads them.
    env["PORTAL_EMAIL_FILE_PATH"] = str(mail_dir)
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings');"
            "from django.conf import settings; django.setup();"
            "settings.EMAIL_FILE_PATH = os.environ['PORTAL_EMAIL_FILE_PATH'];"
            "from portal.celery import app;"
            f"app.worker_main(['worker', '--pool=solo', '--loglevel=INFO', '--without-gossip',"
            f" '--without-mingle', '--without-heartbeat', '--queues={queue}',"
            f" '--hostname={queue}-{uuid.uuid4().hex[:4]}@%h'])",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while " ready." not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"The worker did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.2)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def people_with_activity(count: int) -> list:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail("Run the redis tests with DATABASE_URL (PostgreSQL) and REDIS_URL set.")
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory(title="A followed recommendation")
    author = UserFactory()
    posted = Comment.objects.create(
        consultation=consultation,
        recommendation=recommendation,
        author=author,
        body="News for everyone.",
    )
    activity_record(
        verb="comment_posted",
        target=posted,
        actor=author,
        consultation=consultation,
        recommendation=recommendation,
    )
    people = [UserFactory(digest_frequency="daily") for _ in range(count)]
    Follow.objects.bulk_create([Follow(user=p, recommendation=recommendation) for p in people])
    return people


def recipients(mail_dir: Path) -> list[str]:
    found = []
    for path in mail_dir.glob("*.eml"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                found.append(line[4:].strip())
                break
    return found


def wait_until(condition, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def test_activity_reaches_a_real_worker_and_becomes_a_digest_file(tmp_path):
    from portal.celery import app

    (person,) = people_with_activity(1)
    queue = f"digests-test-{uuid.uuid4().hex[:10]}"
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    worker = start_worker(queue, mail_dir, log, "0")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        digest_run_for_everyone(frequency="daily", now=timezone.now(), queue=queue)
        wait_until(lambda: recipients(mail_dir) == [person.email], 60, log)
        body = next(mail_dir.glob("*.eml")).read_text(errors="replace")
        assert "A followed recommendation" in body
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in body
    finally:
        app.conf.task_always_eager = previous
        stop(worker)


def test_a_worker_killed_mid_batch_and_a_new_run_give_everyone_exactly_one_digest(tmp_path):
    from portal.celery import app

    people = people_with_activity(30)
    queue = f"digests-test-{uuid.uuid4().hex[:10]}"
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    worker = start_worker(queue, mail_dir, log, "0.2")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    now = timezone.now()
    try:
        digest_run_for_everyone(frequency="daily", now=now, queue=queue)
        wait_until(lambda: len(recipients(mail_dir)) >= 8, 90, log)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        sent_before = len(recipients(mail_dir))
        assert sent_before < len(people)
        worker = start_worker(queue, mail_dir, tmp_path / "worker2.log", "0")
        digest_run_for_everyone(frequency="daily", now=now, queue=queue)
        wait_until(
            lambda: DigestDelivery.objects.filter(status="sent").count() == len(people),
            90,
            tmp_path / "worker2.log",
        )
        time.sleep(1)
        addresses = recipients(mail_dir)
        assert sorted(addresses) == sorted(p.email for p in people)
    finally:
        app.conf.task_always_eager = previous
        stop(worker)
