from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.errors import Refusal

from . import services
from .models import Invitation, Membership, MembershipRequest, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_moderator", "is_staff", "is_active", "date_joined")
    list_filter = ("is_moderator", "is_staff", "is_active", "is_former_participant")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        (
            _("Preferences"),
            {
                "fields": (
                    "country",
                    "languages",
                    "interface_language",
                    "time_zone",
                    "digest_frequency",
                    "digest_weekday",
                )
            },
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_moderator",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "is_former_participant",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "is_public", "created_at")
    readonly_fields = ("created_at",)


def _run_service(modeladmin, request, queryset, service, done_message, **kwargs):
    done = 0
    for organisation in queryset:
        try:
            service(organisation=organisation, by=request.user, **kwargs)
        except Refusal as error:
            modeladmin.message_user(
                request, f"{organisation.name}: {error.message}", level=messages.WARNING
            )
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, level=messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "region", "status", "is_at_risk", "created_at")
    list_filter = ("status", "kind", "region", "is_at_risk", "at_risk_requested")
    search_fields = ("name", "website", "created_by__email")
    readonly_fields = (
        "region",
        "status",
        "decision_reason",
        "decided_at",
        "decided_by",
        "is_at_risk",
        "created_by",
        "created_at",
    )
    inlines = [MembershipInline]
    actions = ["verify", "grant_at_risk", "revoke_at_risk"]

    def has_add_permission(self, request):
        # Registering goes through the portal's form, which derives the region.
        return False

    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            services.organisation_verify,
            _("%(count)d organisations verified."),
        )

    @admin.action(description=_("Grant the at-risk status"))
    def grant_at_risk(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            services.organisation_at_risk_set,
            _("%(count)d organisations changed."),
            at_risk=True,
        )

    @admin.action(description=_("Revoke the at-risk status"))
    def revoke_at_risk(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            services.organisation_at_risk_set,
            _("%(count)d organisations changed."),
            at_risk=False,
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "is_public", "created_at")
    list_filter = ("role", "is_public", "organisation__kind")
    search_fields = ("user__email", "user__display_name", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    actions = ["make_representative", "make_member"]

    def _set_role(self, request, queryset, role):
        done = 0
        for membership in queryset.select_related("organisation"):
            try:
                services.membership_role_set(membership=membership, role=role, by=request.user)
            except Refusal as error:
                self.message_user(request, str(error.message), level=messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request, _("%(count)d memberships changed.") % {"count": done}, messages.SUCCESS
            )

    @admin.action(description=_("Make representative"))
    def make_representative(self, request, queryset):
        self._set_role(request, queryset, "representative")

    @admin.action(description=_("Make member"))
    def make_member(self, request, queryset):
        self._set_role(request, queryset, "member")


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    readonly_fields = ("user", "organisation", "message", "status", "decided_at", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "token_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )

    def has_add_permission(self, request):
        return False
