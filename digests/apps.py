from django.apps import AppConfig


class DigestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "digests"

    def ready(self):
        from .receivers import connect_receivers

        connect_receivers()
