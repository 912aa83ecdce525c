"""The small steps every form view takes: bind on POST, refuse with a message."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect


def post_data(request):
    """The POST data on a POST (even when empty), None otherwise: an unbound form."""
    return request.POST if request.method == "POST" else None


def refuse(request, error, url: str) -> HttpResponse:
    """Show a service's refusal as a message on the page the person came from."""
    messages.error(request, error.message)
    return redirect(url)
