"""The page where a person creates, sees once and revokes personal API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import Refusal

from . import tokens
from .models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=tokens.TOKEN_NAME_MAX_LENGTH,
        help_text=gettext_lazy("What will use it, such as a script or another portal."),
    )


@never_cache
@login_required
def api_token_list(request):
    created = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = tokens.api_token_create(
                    name=form.cleaned_data["name"], by=request.user
                )
            except Refusal as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                created = {"token": token, "raw": raw}
                form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    return render(
        request,
        "accounts/apitoken_list.html",
        {"form": form, "created": created, "tokens": tokens.api_token_list(user=request.user)},
    )


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        tokens.api_token_revoke(token=token, by=request.user)
    except Refusal as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token has been revoked."))
    return redirect("api-token-list")
