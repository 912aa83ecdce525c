from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import domain_errors  # noqa: F401 - registers the apps' errors with core.api
        from .invalidation import connect_signals

        connect_signals()
