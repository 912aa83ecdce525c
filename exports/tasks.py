"""Celery tasks for consolidated documents: thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def export_build(*, export_id: int, notify: bool = True) -> None:
    services.export_build(export_id=export_id, notify=notify)
