"""The Celery application, and how the portal's code enqueues work."""

import logging
import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits.

    A broker outage must not undo or fail the user's write, so a failure to
    queue is logged and swallowed; the periodic catch-up tasks (and the
    outbox, for messages) pick the work up later.
    """

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("Could not queue %s; it will be caught up later.", task.name)

    transaction.on_commit(send, robust=True)
