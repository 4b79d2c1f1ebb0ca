from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from quartiers.accounts import oidc

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("quartiers.api.urls")),
    path(
        "connexion/proconnect/",
        login_not_required(oidc.LoginView.as_view()),
        name="oidc-login",
    ),
    path(
        "connexion/proconnect/retour/",
        login_not_required(oidc.CallbackView.as_view()),
        name="oidc-callback",
    ),
    path("", include("quartiers.core.urls")),
    path("", include("quartiers.accounts.urls")),
    path("", include("quartiers.access.urls")),
    path("", include("quartiers.governance.urls")),
    path("", include("quartiers.protocol_import.urls")),
    path("", include("quartiers.programming.urls")),
    path("", include("quartiers.participation.urls")),
    path("", include("quartiers.workspace.urls")),
    path("", include("quartiers.access.contract_urls")),
]
