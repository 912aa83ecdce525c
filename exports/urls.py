from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("consultations/<int:pk>/downloads/", views.export_list, name="export-list"),
    path("consultations/<int:pk>/downloads/request/", views.export_request, name="export-request"),
    path("consultations/<int:pk>/downloads/publish/", views.export_publish, name="export-publish"),
    path("downloads/<int:export_pk>/", views.export_detail, name="export-detail"),
    path("downloads/<int:export_pk>/file/", views.export_download, name="export-download"),
]
