from django.urls import path

from . import views

app_name = "positions"

urlpatterns = [
    path("consultations/<int:pk>/positions/", views.position_list, name="position-list"),
    path("consultations/<int:pk>/positions/new/", views.position_create, name="position-create"),
    path("positions/<int:pk>/", views.position_detail, name="position-detail"),
    path("positions/<int:pk>/details/", views.position_update, name="position-update"),
    path("positions/<int:pk>/edit/", views.position_edit, name="position-edit"),
    path("positions/<int:pk>/status/", views.position_status, name="position-status"),
    path("positions/<int:pk>/editors/", views.position_editors, name="position-editors"),
    path(
        "positions/editors/<int:pk>/remove/",
        views.position_editor_remove,
        name="position-editor-remove",
    ),
    path("positions/<int:pk>/history/", views.position_history, name="position-history"),
    path("positions/<int:pk>/compare/", views.position_diff, name="position-diff"),
    path(
        "positions/<int:pk>/revisions/<int:number>/",
        views.revision_detail,
        name="revision-detail",
    ),
    path(
        "positions/<int:pk>/revisions/<int:number>/restore/",
        views.revision_restore,
        name="revision-restore",
    ),
    path(
        "positions/<int:pk>/paragraphs/<int:index>/comment/",
        views.paragraph_comment,
        name="paragraph-comment",
    ),
    path(
        "positions/<int:pk>/paragraphs/<int:index>/amend/",
        views.amendment_create,
        name="amendment-create",
    ),
    path("positions/amendments/<int:pk>/", views.amendment_detail, name="amendment-detail"),
    path("positions/amendments/<int:pk>/accept/", views.amendment_accept, name="amendment-accept"),
    path("positions/amendments/<int:pk>/reject/", views.amendment_reject, name="amendment-reject"),
    path(
        "positions/amendments/<int:pk>/resolve/",
        views.amendment_resolve,
        name="amendment-resolve",
    ),
    path(
        "positions/comments/<int:pk>/resolve/",
        views.paragraph_comment_resolve,
        name="comment-resolve",
    ),
    path("positions/<int:pk>/sign/", views.signature_add, name="signature-add"),
    path(
        "positions/signatures/<int:pk>/withdraw/",
        views.signature_withdraw,
        name="signature-withdraw",
    ),
    path("positions/<int:pk>/how-it-was-made/", views.position_made, name="position-made"),
    path(
        "positions/<int:pk>/download.<str:fmt>", views.position_download, name="position-download"
    ),
]
