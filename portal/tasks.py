from celery import shared_task
from django.core.cache import cache


@shared_task(name="portal.tasks.heartbeat")
def heartbeat(marker: str = "beat") -> str:
    """Record that a worker ran a task; the health check and CI read it back."""
    cache.set(f"portal:heartbeat:{marker}", "ok", timeout=3600)
    return marker
