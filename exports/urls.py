from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("consultations/<id:pk>/downloads/", views.export_list, name="export-list"),
    path("consultations/<id:pk>/downloads/request/", views.export_request, name="export-request"),
    path("consultations/<id:pk>/downloads/publish/", views.export_publish, name="export-publish"),
    path("downloads/<id:export_pk>/", views.export_detail, name="export-detail"),
    path("downloads/<id:export_pk>/file/", views.export_download, name="export-download"),
]
