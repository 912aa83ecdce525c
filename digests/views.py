from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.decorators import moderator_required

from . import selectors, services
from .forms import NotificationPreferenceForm
from .models import NotificationKind
from .tokens import DIGEST, InvalidToken, unsubscribe_token_read


def _what_label(what: str) -> str:
    if what == DIGEST:
        return _("the digest emails")
    return str(NotificationKind(what).label)


# RFC 8058: mail clients POST here with no cookie and no CSRF token; the signed
# token is the authorisation, and a GET never changes anything.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        _user_id, what = unsubscribe_token_read(token)
    except InvalidToken:
        return render(request, "digests/unsubscribe_invalid.html", status=400)
    if request.method == "GET":
        return render(
            request, "digests/unsubscribe_confirm.html", {"token": token, "what": _what_label(what)}
        )
    try:
        services.unsubscribe_apply(token=token)
    except InvalidToken:
        return render(request, "digests/unsubscribe_invalid.html", status=400)
    return render(request, "digests/unsubscribe_done.html", {"what": _what_label(what)})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.notification_preference_for(user=request.user)
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            services.notification_preferences_update(
                user=request.user, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Your email preferences are saved."))
            return redirect("digests:preferences")
    else:
        form = NotificationPreferenceForm(instance=preference)
    return render(request, "digests/preferences.html", {"form": form})


@moderator_required
def run_list(request):
    return render(request, "digests/digestrun_list.html", {"runs": selectors.digest_run_list()})
