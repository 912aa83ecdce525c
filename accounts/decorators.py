"""View decorators: moderators only, with two-factor authentication on."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from . import rules
from .middleware import mfa_setup_redirect, needs_mfa


def moderator_required(view):
    """Let in moderators with MFA on; send others to log in, set up MFA, or a 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not rules.is_moderator(user):
            raise PermissionDenied
        if needs_mfa(user):
            return mfa_setup_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped
