from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import converters

        # Before any app's URLs are read: they use <id:...> for database ids.
        converters.register()
