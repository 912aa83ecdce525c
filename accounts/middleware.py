from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class UserPreferencesMiddleware:
    """Activate the signed-in user's time zone and interface language for the request.

    It runs after LocaleMiddleware, so a language chosen on the profile wins
    over the cookie and the browser's preference. Changing the language with
    the footer switcher while signed in also saves it on the profile, so the
    switcher keeps working for people who set one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        tz = getattr(user, "time_zone", "") if signed_in else ""
        if tz:
            timezone.activate(tz)
        language = getattr(user, "interface_language", "") if signed_in else ""
        if language in LANGUAGE_CODES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if signed_in and request.method == "POST" and request.path == reverse("set_language"):
            chosen = request.POST.get("language", "")
            if chosen in LANGUAGE_CODES and chosen != user.interface_language:
                get_user_model().objects.of(user).update(interface_language=chosen)
        return response


def needs_mfa(user) -> bool:
    """Moderators and staff must have two-factor authentication on."""
    if not (user and user.is_authenticated):
        return False
    privileged = user.is_staff or user.is_superuser or user.is_moderator
    return privileged and not is_mfa_enabled(user)


class ModeratorMFAMiddleware:
    """Send moderators and staff without two-factor authentication to set it up.

    Guards every path under ``PORTAL_MFA_REQUIRED_PATHS`` (the admin and the
    moderation pages); views elsewhere use ``accounts.decorators.moderator_required``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefixes = getattr(settings, "PORTAL_MFA_REQUIRED_PATHS", ("/admin/", "/moderation/"))
        if request.path.startswith(tuple(prefixes)) and needs_mfa(getattr(request, "user", None)):
            return mfa_setup_redirect(request)
        return self.get_response(request)


def mfa_setup_redirect(request):
    messages.warning(
        request,
        _(
            "Moderators and staff must turn on two-factor authentication "
            "before they open moderation pages or the administration."
        ),
    )
    return redirect(reverse("mfa_activate_totp"))
