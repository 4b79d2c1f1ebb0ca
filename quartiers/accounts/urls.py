from django.urls import path

from quartiers.accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "mot-de-passe/choisir/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "mot-de-passe/choisi/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("mon-compte/", views.my_account, name="my-account"),
    path("mon-compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password-change"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/modifier/", views.organisation_edit, name="organisation-edit"),
    path("contrats/<slug:slug>/roles/", views.contract_roles, name="contract-roles"),
    path(
        "contrats/<slug:slug>/roles/<int:pk>/retirer/",
        views.revoke_role,
        name="contract-role-revoke",
    ),
]
