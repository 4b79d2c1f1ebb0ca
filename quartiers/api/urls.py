from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from quartiers.api import views

app_name = "api"

urlpatterns = [
    path("contrats/", views.ContractList.as_view(), name="contract-list"),
    path("contrats/<slug:slug>/", views.ContractDetail.as_view(), name="contract-detail"),
    path(
        "contrats/<slug:slug>/engagements/",
        views.ContractEngagements.as_view(),
        name="contract-engagements",
    ),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetail.as_view(),
        name="organisation-detail",
    ),
    path(
        "dossiers/<uuid:uuid>/financements/",
        views.ApplicationFundingRequests.as_view(),
        name="application-funding-requests",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(), name="docs"),
]
