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
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/lues/", views.notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/lue/", views.notification_read, name="notification-read"),
]
