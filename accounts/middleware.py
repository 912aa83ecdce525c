from django.utils import timezone


class UserPreferencesMiddleware:
    """Activate the signed-in user's time zone for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        if tz:
            timezone.activate(tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
