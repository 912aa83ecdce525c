"""How the portal's code queues Celery work: after the commit, never failing the write."""

import logging

from django.db import transaction

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
