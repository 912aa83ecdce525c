from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("consultations/forums/new/", views.forum_create, name="forum-create"),
    path("consultations/forums/<id:pk>/edit/", views.forum_update, name="forum-update"),
    path("consultations/<id:pk>/", views.consultation_detail, name="consultation-detail"),
    path("consultations/<id:pk>/edit/", views.consultation_update, name="consultation-update"),
    path("consultations/<id:pk>/extend/", views.consultation_extend, name="consultation-extend"),
    path("consultations/<id:pk>/close/", views.consultation_close, name="consultation-close"),
    path("consultations/<id:pk>/follow/", views.consultation_follow, name="consultation-follow"),
    path("consultations/<id:pk>/suspensions/", views.suspension_list, name="suspension-list"),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/",
        views.recommendation_detail,
        name="recommendation-detail",
    ),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/comments/",
        views.comment_create,
        name="comment-create",
    ),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/endorse/",
        views.endorsement_set,
        name="endorsement-set",
    ),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/withdraw/",
        views.endorsement_withdraw,
        name="endorsement-withdraw",
    ),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/stances/<id:organisation_id>/history/",
        views.endorsement_history,
        name="endorsement-history",
    ),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/follow/",
        views.recommendation_follow,
        name="recommendation-follow",
    ),
    path(
        "consultations/<id:pk>/recommendations/<slug:slug>/synthesis/",
        views.synthesis_edit,
        name="synthesis-edit",
    ),
    path("comments/<id:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("comments/<id:pk>/edit/", views.comment_update, name="comment-update"),
    path("comments/<id:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<id:pk>/flag/", views.comment_flag, name="comment-flag"),
    path("comments/<id:pk>/hide/", views.comment_hide, name="comment-hide"),
    path("comments/<id:pk>/restore/", views.comment_restore, name="comment-restore"),
    path(
        "comments/<id:pk>/dismiss-flags/",
        views.comment_flags_dismiss,
        name="comment-dismiss-flags",
    ),
    path("comments/<id:pk>/lock/", views.thread_lock, name="thread-lock"),
    path("comments/<id:pk>/unlock/", views.thread_unlock, name="thread-unlock"),
    path("suspensions/<id:pk>/lift/", views.suspension_lift, name="suspension-lift"),
    path("moderation/comments/", views.moderation_queue, name="moderation-queue"),
    path("moderation/log/", views.audit_log, name="audit-log"),
]
