"""The small steps every form view takes: bind on POST, refuse with a message, save and go on."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.errors import Refusal


def post_data(request):
    """The POST data on a POST (even when empty), None otherwise: an unbound form."""
    return request.POST if request.method == "POST" else None


def refuse(request, error: Refusal, url: str) -> HttpResponse:
    """Show a service's refusal as a message on the page the person came from."""
    messages.error(request, error.message)
    return redirect(url)


def form_view(
    request,
    form,
    *,
    action: Callable[[dict], object],
    success_message: str,
    template: str,
    context: dict,
    success_url=None,
) -> HttpResponse:
    """Call ``action`` with a valid POST's cleaned data, then confirm and redirect.

    The redirect goes to ``success_url``, or else to what ``action`` returned
    (an object with an address). A ``Refusal`` is shown on the form, on
    its ``field`` when the form has it; a GET, an invalid form or a refusal
    renders ``template`` with ``context`` and ``form``.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except Refusal as error:
            field = getattr(error, "field", None)
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(request, success_message)
            return redirect(success_url or result)
    return render(request, template, {**context, "form": form})
