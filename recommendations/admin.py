from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import Refusal

from . import services
from .models import Example, Recommendation, Report, Session, Theme

# The report's text comes from the imported file, so it is read-only here; the
# themes are the moderators' to correct.
REPORT_TEXT_FIELDS = ("session", "number", "citation", "slug", "title", "body")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "year", "isbn", "updated_at")
    readonly_fields = (
        "title",
        "publisher",
        "year",
        "publication_date",
        "isbn",
        "source_sha256",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "slug")
    readonly_fields = (
        "report",
        "number",
        "title",
        "slug",
        "summary",
        "background",
        "policy_challenges",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    readonly_fields = ("slug",)
    ordering = ("order",)


class ExampleInline(admin.TabularInline):
    model = Example
    fields = ("order", "body")
    readonly_fields = ("order", "body")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("citation", "title", "session", "themes_curated")
    list_filter = ("session", "themes", "themes_curated")
    list_select_related = ("session",)
    search_fields = ("citation", "title", "body")
    ordering = ("session__number", "number")
    fields = (*REPORT_TEXT_FIELDS, "themes", "themes_curated")
    readonly_fields = REPORT_TEXT_FIELDS
    filter_horizontal = ("themes",)
    inlines = (ExampleInline,)
    actions = ("reset_themes",)

    def has_add_permission(self, request):
        return False

    def save_related(self, request, form, formsets, change):
        recommendation = form.instance
        before = set(recommendation.themes.values_list("pk", flat=True)) if change else set()
        wanted = {theme.pk for theme in form.cleaned_data.get("themes", [])}
        # The themes go through the service, which marks them as a moderator's choice.
        form.cleaned_data["themes"] = Theme.objects.filter(pk__in=before)
        super().save_related(request, form, formsets, change)
        if wanted != before:
            try:
                services.recommendation_themes_set(
                    recommendation=recommendation, themes=wanted, by=request.user
                )
            except Refusal as error:
                self.message_user(request, error.message, level=messages.ERROR)

    @admin.action(description=_("Return the themes to the automatic rules"))
    def reset_themes(self, request, queryset):
        done = 0
        for recommendation in queryset.prefetch_related("examples"):
            try:
                services.recommendation_themes_reset(recommendation=recommendation, by=request.user)
            except Refusal as error:
                self.message_user(request, error.message, level=messages.ERROR)
                return
            done += 1
        self.message_user(
            request,
            ngettext(
                "The themes of %(count)d recommendation follow the rules again.",
                "The themes of %(count)d recommendations follow the rules again.",
                done,
            )
            % {"count": done},
        )
