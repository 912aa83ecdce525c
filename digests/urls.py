from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path("digests/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("profile/notifications/", views.preferences, name="preferences"),
    path("moderation/digests/", views.run_list, name="run-list"),
]
