"""Access checks and lookups shared by the consultation pages."""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from accounts.middleware import mfa_setup_redirect
from core.errors import Refusal
from core.permissions import has_perm
from recommendations.models import Recommendation

from .. import selectors, services
from ..models import Comment, Consultation
from ..rules import consultation_moderator_ids

AUDIT_LOG_PER_PAGE = 50
QUEUE_PER_PAGE = 25


# --- access ---------------------------------------------------------------------


def _mfa_guard(request: HttpRequest) -> HttpResponse | None:
    """Moderation pages need a signed-in moderator with two-factor authentication on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_mfa_enabled(request.user):
        return mfa_setup_redirect(request)
    return None


def _moderator_guard(request: HttpRequest, consultation: Consultation):
    """None when the person may moderate this consultation, else the response to send."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_perm(request.user, "consultations.moderate_consultation", consultation):
        raise PermissionDenied
    return _mfa_guard(request)


def moderators_only(view):
    """For pages across consultations: portal moderators and any consultation's moderators."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, "consultations.view_moderation"):
            raise PermissionDenied
        response = _mfa_guard(request)
        return response or view(request, *args, **kwargs)

    return wrapped


def portal_moderators_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, "consultations.add_consultation"):
            raise PermissionDenied
        response = _mfa_guard(request)
        return response or view(request, *args, **kwargs)

    return wrapped


def _consultation(pk: int, *, cached: bool = False) -> Consultation:
    try:
        return selectors.consultation_get(pk=pk, cached=cached)
    except Consultation.DoesNotExist:
        raise Http404 from None


def _recommendation(consultation: Consultation, slug: str) -> Recommendation:
    try:
        return selectors.recommendation_in_consultation(consultation=consultation, slug=slug)
    except Recommendation.DoesNotExist:
        raise Http404 from None


def _comment(pk: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related(
            "consultation__forum", "recommendation", "author", "organisation", "root"
        ),
        pk=pk,
    )
    consultation_moderator_ids(comment.consultation)
    return comment


def _follow(request, url: str, **target) -> HttpResponse:
    try:
        if request.POST.get("follow") == "0":
            services.follow_remove(**target, by=request.user)
            messages.success(request, _("You no longer follow it."))
        else:
            services.follow_set(**target, by=request.user)
            messages.success(request, _("You now follow it; news will come in your digest."))
    except Refusal as error:
        messages.error(request, error.message)
    return redirect(url)


def _back_to(comment: Comment) -> str:
    return comment.get_absolute_url()
