"""Celery tasks for consultations: thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(name="consultations.tasks.consultation_window_events")
def consultation_window_events() -> int:
    """Record consultations that opened, close within 48 hours, or closed (for the digests)."""
    return services.consultation_window_events_record()
