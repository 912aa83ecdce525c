from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", views.recommendation_list, name="recommendation-list"),
    path("recommendations/sessions/<slug:slug>/", views.session_detail, name="session-detail"),
    path("recommendations/themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path(
        "recommendations/<slug:slug>/",
        views.recommendation_detail,
        name="recommendation-detail",
    ),
    path("search/", views.search, name="search"),
]
