import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refusal
from core.http import form_view
from core.permissions import has_perm

from . import rules, selectors, services
from .decorators import moderator_required
from .forms import (
    AccountDeleteForm,
    AtRiskForm,
    DecisionForm,
    InvitationForm,
    MembershipRequestForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
)
from .models import Membership, MembershipRequest, Organisation, OrganisationKind

PAGE_SIZE = 25


def _form_error(form, error: Refusal) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


# Profile and privacy ----------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            try:
                services.user_profile_update(user=user, by=user, **form.cleaned_data)
            except Refusal as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
        user.refresh_from_db()
    else:
        form = ProfileForm(instance=user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": selectors.user_memberships(user=user)},
    )


@login_required
def data_export(request):
    data = services.user_data_export(user=request.user, by=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="gfmd-portal-my-data-{stamp}.json"'
    return response


@login_required
def account_delete(request):
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=user, by=user)
        except Refusal as error:
            _form_error(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


# Organisations ----------------------------------------------------------------------------


def organisation_list(request):
    kind = request.GET.get("kind", "")
    region = request.GET.get("region", "")
    country = request.GET.get("country", "")
    if kind not in OrganisationKind.values:
        kind = ""
    organisations, facets = selectors.organisation_directory(
        user=request.user, kind=kind, region=region[:64], country=country[:2].upper()
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "page_obj": page,
            "facets": facets,
            "selected": {"kind": kind, "region": region, "country": country.upper()},
            "query": query.urlencode(),
            "is_moderator": rules.is_moderator(request.user),
        },
    )


def organisation_detail(request, pk):
    try:
        organisation = selectors.organisation_detail(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    if not selectors.organisation_visible_to(organisation=organisation, user=request.user):
        raise Http404
    user = request.user
    moderator = rules.is_moderator(user)
    context = {
        "organisation": organisation,
        "masked": organisation.is_at_risk and not moderator,
        "is_moderator": moderator,
        "is_member": rules.is_member_of(user, organisation),
        "is_representative": rules.is_representative_of(user, organisation),
        "membership": next(
            (m for m in rules.user_memberships(user) if m.organisation_id == organisation.pk), None
        ),
        "request_form": MembershipRequestForm(),
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
def organisation_register(request):
    return form_view(
        request,
        OrganisationForm(request.POST or None),
        action=lambda data: services.organisation_register(by=request.user, **data),
        success_message=_("The organisation is registered. A moderator will verify it soon."),
        template="accounts/organisation_form.html",
        context={},
    )


def _organisation_for_representative(request, pk) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    # Missing and forbidden answer alike, so the page does not tell which organisations exist.
    if not has_perm(request.user, "accounts.manage_organisation", organisation):
        raise Http404
    return organisation


@login_required
def organisation_manage(request, pk):
    organisation = _organisation_for_representative(request, pk)
    return _render_manage(request, organisation)


def _render_manage(request, organisation, *, invite_form=None, status=200):
    context = {
        "organisation": organisation,
        "invite_form": invite_form or InvitationForm(),
        "role_form": RoleForm(),
        **selectors.organisation_management(organisation=organisation),
    }
    return render(request, "accounts/organisation_manage.html", context, status=status)


@login_required
@require_POST
def organisation_invite(request, pk):
    organisation = _organisation_for_representative(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.membership_invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except Refusal as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("accounts:organisation-manage", pk=organisation.pk)
    return _render_manage(request, organisation, invite_form=form, status=400)


@login_required
@require_POST
def organisation_at_risk_request(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        services.organisation_at_risk_request(
            organisation=organisation,
            requested=request.POST.get("requested", "1") == "1",
            by=request.user,
        )
    except Refusal as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request has been recorded."))
    return redirect(organisation)


@login_required
@require_POST
def membership_request(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not selectors.organisation_visible_to(organisation=organisation, user=request.user):
        raise Http404
    form = MembershipRequestForm(request.POST)
    if form.is_valid():
        try:
            services.membership_request(
                organisation=organisation, message=form.cleaned_data["message"], by=request.user
            )
        except Refusal as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your request has been sent to the representatives."))
    else:
        messages.error(request, _("The message is too long."))
    return redirect(organisation)


@login_required
@require_POST
def membership_request_decide(request, pk, request_pk):
    organisation = _organisation_for_representative(request, pk)
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user", "organisation"),
        pk=request_pk,
        organisation=organisation,
    )
    try:
        services.membership_request_decide(
            membership_request=membership_request,
            accept=request.POST.get("decision") == "accept",
            by=request.user,
        )
    except Refusal as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The request has been decided."))
    return redirect("accounts:organisation-manage", pk=organisation.pk)


@login_required
@require_POST
def membership_role(request, pk, membership_pk):
    organisation = _organisation_for_representative(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_role_set(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except Refusal as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The role has been changed."))
    else:
        messages.error(request, _("Choose a role from the list."))
    return redirect("accounts:organisation-manage", pk=organisation.pk)


@login_required
@require_POST
def membership_leave(request, pk):
    membership = get_object_or_404(Membership, organisation_id=pk, user=request.user)
    try:
        services.membership_leave(membership=membership, by=request.user)
    except Refusal as error:
        messages.error(request, str(error.message))
        return redirect(membership.organisation)
    messages.success(request, _("You have left the organisation."))
    return redirect("accounts:profile")


@login_required
@require_POST
def membership_visibility(request, pk):
    membership = get_object_or_404(Membership, organisation_id=pk, user=request.user)
    services.membership_visibility_set(
        membership=membership, is_public=request.POST.get("is_public") == "1", by=request.user
    )
    messages.success(request, _("Your choice has been saved."))
    return redirect("accounts:profile")


def invitation_accept(request, token):
    try:
        invitation = services.invitation_get(token=token)
    except Refusal as error:
        return render(
            request, "accounts/invitation_error.html", {"error": error.message}, status=410
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            services.invitation_accept(token=token, by=request.user)
        except Refusal as error:
            return render(
                request, "accounts/invitation_error.html", {"error": error.message}, status=400
            )
        messages.success(request, _("You have joined the organisation."))
        return redirect(invitation.organisation)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


# Moderation -------------------------------------------------------------------------------


@moderator_required
def verification_queue(request):
    return render(
        request,
        "accounts/verification_queue.html",
        {
            "organisations": selectors.verification_queue(),
            "decision_form": DecisionForm(),
            "at_risk_requests": Organisation.objects.filter(
                at_risk_requested=True, is_at_risk=False
            )
            .exclude(status="rejected")
            .order_by("created_at")[:100],
        },
    )


@moderator_required
@require_POST
def organisation_decide(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "verify":
                services.organisation_verify(
                    organisation=organisation, reason=form.cleaned_data["reason"], by=request.user
                )
                messages.success(request, _("The organisation has been verified."))
            else:
                services.organisation_reject(
                    organisation=organisation, reason=form.cleaned_data["reason"], by=request.user
                )
                messages.success(request, _("The organisation has been rejected."))
        except Refusal as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("accounts:verification-queue")


@moderator_required
@require_POST
def organisation_at_risk_set(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = AtRiskForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_at_risk_set(
                organisation=organisation,
                at_risk=form.cleaned_data["at_risk"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Refusal as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The at-risk status has been changed."))
    else:
        messages.error(request, _("Choose whether to grant or revoke the status."))
    if request.POST.get("from") == "detail":
        return redirect(organisation)
    return redirect("accounts:verification-queue")
