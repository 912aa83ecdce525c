"""Pages for organisations' stances on recommendations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.converters import parse_id
from core.errors import Refusal
from core.http import refuse as _refused
from core.permissions import has_perm

from .. import selectors, services
from ..forms import (
    CosignForm,
    EndorsementForm,
)
from ..models import Endorsement
from ._common import (
    _consultation,
    _follow,
    _recommendation,
)
from .debate import _debate_subjects, _recommendation_context

# --- endorsements --------------------------------------------------------------------


@require_POST
@login_required
def endorsement_set(request, pk, slug):
    consultation, recommendation = _debate_subjects(pk, slug)
    # Only the organisations one may act for are needed to take a stance.
    representing = selectors.representing_organisations(viewer=request.user)
    url = reverse("consultations:recommendation-detail", args=[pk, slug]) + "#endorse"
    if "endorsement" in request.POST:
        form = CosignForm(request.POST, organisations=representing, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose the organisation that co-signs."))
            return redirect(url)
        cosign = Endorsement.objects.filter(
            pk=form.cleaned_data["endorsement"], consultation=consultation
        ).first()
        if cosign is None:
            raise Http404
        try:
            services.endorsement_set(
                consultation=consultation,
                recommendation=recommendation,
                organisation=form.organisations[form.cleaned_data["organisation"]],
                stance=cosign.stance,
                cosign=cosign,
                by=request.user,
            )
        except Refusal as error:
            return _refused(request, error, url)
        messages.success(request, _("Your organisation has co-signed this statement."))
        return redirect(url)
    form = EndorsementForm(request.POST, organisations=representing, user=request.user)
    if form.is_valid():
        try:
            services.endorsement_set(
                consultation=consultation,
                recommendation=recommendation,
                organisation=form.organisations[form.cleaned_data["organisation"]],
                stance=form.cleaned_data["stance"],
                statement=form.cleaned_data["statement"],
                by=request.user,
            )
        except Refusal as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your organisation's stance has been recorded."))
            if request.htmx:
                context = _recommendation_context(request, consultation, recommendation)
                return render(request, "consultations/_endorsements.html", context)
            return redirect(url)
    context = _recommendation_context(request, consultation, recommendation, endorsement_form=form)
    template = (
        "consultations/_endorsements.html"
        if request.htmx
        else "consultations/recommendation_detail.html"
    )
    return render(request, template, context)


STANCE_HISTORY_PER_PAGE = 50


@login_required
def endorsement_history(request, pk, slug, organisation_id):
    """Every change of an organisation's stance, for its representatives and the moderators."""
    consultation = _consultation(pk, cached=True)
    recommendation = _recommendation(consultation, slug)
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("organisation"),
        consultation=consultation,
        recommendation=recommendation,
        organisation_id=organisation_id,
    )
    if not has_perm(request.user, "consultations.view_endorsementchange", endorsement):
        raise PermissionDenied
    changes = endorsement.changes.select_related("by").order_by("created_at", "id")
    page = Paginator(changes, STANCE_HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/endorsement_history.html",
        {
            "consultation": consultation,
            "recommendation": recommendation,
            "endorsement": endorsement,
            "page": page,
        },
    )


@require_POST
@login_required
def endorsement_withdraw(request, pk, slug):
    consultation = _consultation(pk)
    recommendation = _recommendation(consultation, slug)
    url = reverse("consultations:recommendation-detail", args=[pk, slug]) + "#endorse"
    organisation_id = parse_id(request.POST.get("organisation", ""))
    endorsement = (
        Endorsement.objects.filter(
            consultation=consultation,
            recommendation=recommendation,
            organisation_id=organisation_id,
        ).first()
        if organisation_id is not None
        else None
    )
    if endorsement is None:
        messages.error(request, _("There is no stance to withdraw."))
        return redirect(url)
    try:
        services.endorsement_withdraw(endorsement=endorsement, by=request.user)
    except Refusal as error:
        return _refused(request, error, url)
    messages.success(request, _("Your organisation's stance has been withdrawn."))
    return redirect(url)


@require_POST
@login_required
def recommendation_follow(request, pk, slug):
    consultation = _consultation(pk)
    recommendation = _recommendation(consultation, slug)
    url = reverse("consultations:recommendation-detail", args=[pk, slug])
    return _follow(request, url, recommendation=recommendation)
