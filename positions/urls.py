from django.urls import path

from . import views

app_name = "positions"

urlpatterns = [
    path("consultations/<id:pk>/positions/", views.position_list, name="position-list"),
    path("consultations/<id:pk>/positions/new/", views.position_create, name="position-create"),
    path("positions/<id:pk>/", views.position_detail, name="position-detail"),
    path("positions/<id:pk>/details/", views.position_update, name="position-update"),
    path("positions/<id:pk>/edit/", views.position_edit, name="position-edit"),
    path("positions/<id:pk>/status/", views.position_status, name="position-status"),
    path("positions/<id:pk>/editors/", views.position_editors, name="position-editors"),
    path(
        "positions/editors/<id:pk>/remove/",
        views.position_editor_remove,
        name="position-editor-remove",
    ),
    path("positions/<id:pk>/history/", views.position_history, name="position-history"),
    path("positions/<id:pk>/compare/", views.position_diff, name="position-diff"),
    path(
        "positions/<id:pk>/revisions/<id:number>/",
        views.revision_detail,
        name="revision-detail",
    ),
    path(
        "positions/<id:pk>/revisions/<id:number>/restore/",
        views.revision_restore,
        name="revision-restore",
    ),
    path(
        "positions/<id:pk>/paragraphs/<id:index>/comment/",
        views.paragraph_comment,
        name="paragraph-comment",
    ),
    path(
        "positions/<id:pk>/paragraphs/<id:index>/amend/",
        views.amendment_create,
        name="amendment-create",
    ),
    path("positions/amendments/<id:pk>/", views.amendment_detail, name="amendment-detail"),
    path("positions/amendments/<id:pk>/accept/", views.amendment_accept, name="amendment-accept"),
    path("positions/amendments/<id:pk>/reject/", views.amendment_reject, name="amendment-reject"),
    path(
        "positions/amendments/<id:pk>/resolve/",
        views.amendment_resolve,
        name="amendment-resolve",
    ),
    path(
        "positions/comments/<id:pk>/resolve/",
        views.paragraph_comment_resolve,
        name="comment-resolve",
    ),
    path("positions/<id:pk>/sign/", views.signature_add, name="signature-add"),
    path(
        "positions/signatures/<id:pk>/withdraw/",
        views.signature_withdraw,
        name="signature-withdraw",
    ),
    path("positions/<id:pk>/how-it-was-made/", views.position_made, name="position-made"),
    path("positions/<id:pk>/download.<str:fmt>", views.position_download, name="position-download"),
]
