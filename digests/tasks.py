"""Celery tasks for digests and notifications: thin wrappers over the services."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import services
from .models import DigestFrequencyChoice, DigestRun
from .selectors import digest_due_user_ids

BATCH_MAX_RETRIES = 5


@shared_task
def digests_schedule() -> int:
    """Hourly: start the runs for the people whose local time is now 06:00."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    started = 0
    for frequency in DigestFrequencyChoice.values:
        user_ids = digest_due_user_ids(frequency=frequency, now=now)
        if user_ids:
            services.digest_run_start(
                frequency=frequency,
                user_ids=user_ids,
                end=now,
                trigger=DigestRun.Trigger.SCHEDULE,
            )
            started += 1
    return started


@shared_task(bind=True, max_retries=BATCH_MAX_RETRIES)
def digest_batch_send(
    self, *, user_ids: list[int], frequency: str, end: str, run_id=None, dry_run=False
) -> dict:
    """Send a batch of digests; failed sends are retried with backoff, then recorded."""
    final = self.request.is_eager or self.request.retries >= self.max_retries
    result = services.digest_batch_send(
        user_ids=user_ids,
        frequency=frequency,
        end=parse_datetime(end),
        run_id=run_id,
        dry_run=dry_run,
        count_failures=final,
    )
    if result["failed_ids"] and not final:
        # Only the people who failed: the others are delivered and would be skipped.
        countdown = get_exponential_backoff_interval(
            factor=60, retries=self.request.retries, maximum=3600, full_jitter=True
        )
        raise self.retry(
            kwargs={
                "user_ids": result["failed_ids"],
                "frequency": frequency,
                "end": end,
                "run_id": run_id,
                "dry_run": dry_run,
            },
            countdown=countdown,
        )
    if run_id is not None:
        services.digest_run_batch_done(run_id=run_id)
    return {key: value for key, value in result.items() if key != "failed_ids"}


@shared_task
def outbox_drain() -> int:
    """Send the due immediate notifications; also run every minute by beat as the catch-up."""
    return services.outbox_drain()
