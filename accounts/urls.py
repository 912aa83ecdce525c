from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/my-data.json", views.data_export, name="data-export"),
    path("profile/delete/", views.account_delete, name="account-delete"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/register/", views.organisation_register, name="organisation-register"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<id:pk>/manage/", views.organisation_manage, name="organisation-manage"),
    path("organisations/<id:pk>/invite/", views.organisation_invite, name="organisation-invite"),
    path(
        "organisations/<id:pk>/at-risk-request/",
        views.organisation_at_risk_request,
        name="organisation-at-risk-request",
    ),
    path("organisations/<id:pk>/join/", views.membership_request, name="membership-request"),
    path(
        "organisations/<id:pk>/requests/<id:request_pk>/decide/",
        views.membership_request_decide,
        name="membership-request-decide",
    ),
    path(
        "organisations/<id:pk>/members/<id:membership_pk>/role/",
        views.membership_role,
        name="membership-role",
    ),
    path("organisations/<id:pk>/leave/", views.membership_leave, name="membership-leave"),
    path(
        "organisations/<id:pk>/visibility/",
        views.membership_visibility,
        name="membership-visibility",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("moderation/organisations/", views.verification_queue, name="verification-queue"),
    path(
        "moderation/organisations/<id:pk>/decide/",
        views.organisation_decide,
        name="organisation-decide",
    ),
    path(
        "moderation/organisations/<id:pk>/at-risk/",
        views.organisation_at_risk_set,
        name="organisation-at-risk-set",
    ),
]
