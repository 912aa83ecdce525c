from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
    path("moderation/", views.moderation_home, name="moderation-home"),
    path("code-of-conduct/", views.code_of_conduct, name="code-of-conduct"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("portal.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("recommendations.urls")),
    path("", include("consultations.urls")),
    path("", include("positions.urls")),
    path("", include("exports.urls")),
    path("", include("digests.urls")),
    path("admin/", admin.site.urls),
]
