"""Signing a position for an organisation, and withdrawing the signature."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.rules import user_memberships
from core.errors import Refusal
from core.http import refuse as _refused

from .. import services
from ..forms import SignForm
from ..models import Signature
from ._common import _position


@require_POST
@login_required
def signature_add(request, pk):
    position = _position(pk)
    form = SignForm(
        request.POST, organisations=[m.organisation for m in user_memberships(request.user)]
    )
    if not form.is_valid():
        messages.error(request, _("Choose the organisation you sign for."))
        return redirect(position)
    try:
        services.signature_add(
            position=position, organisation=form.cleaned_data["organisation"], by=request.user
        )
    except Refusal as error:
        return _refused(request, error, position.get_absolute_url())
    messages.success(request, _("Your organisation has signed this position."))
    return redirect(position.get_absolute_url() + "#signatories")


@require_POST
@login_required
def signature_withdraw(request, pk):
    signature = get_object_or_404(
        Signature.objects.select_related("organisation"), pk=pk, withdrawn_at__isnull=True
    )
    position = _position(signature.position_id)
    signature.position = position
    try:
        services.signature_withdraw(signature=signature, by=request.user)
    except Refusal as error:
        return _refused(request, error, position.get_absolute_url())
    messages.success(request, _("The signature has been withdrawn."))
    return redirect(position.get_absolute_url() + "#signatories")
