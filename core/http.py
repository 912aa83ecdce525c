"""The small steps every form view takes: bind on POST, ask to log in, refuse with a message."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect


def post_data(request):
    """The POST data on a POST (even when empty), None otherwise: an unbound form."""
    return request.POST if request.method == "POST" else None


def login_redirect(request) -> HttpResponse | None:
    """A redirect to the login page for anonymous visitors, None for everyone else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def refuse(request, error, url: str) -> HttpResponse:
    """Show a service's refusal as a message on the page the person came from."""
    messages.error(request, error.message)
    return redirect(url)
