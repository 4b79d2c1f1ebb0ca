from django.urls import path

from quartiers.access.views import organisations, roles

app_name = "access"

urlpatterns = [
    path("mon-compte/roles/", roles.my_roles, name="my-roles"),
    path("organisations/", organisations.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation-detail"),
    path(
        "organisations/<int:pk>/modifier/",
        organisations.organisation_edit,
        name="organisation-edit",
    ),
    path("contrats/<slug:slug>/roles/", roles.contract_roles, name="contract-roles"),
    path(
        "contrats/<slug:slug>/roles/<int:pk>/retirer/",
        roles.revoke_role,
        name="contract-role-revoke",
    ),
    path("contrats/<slug:slug>/journal/", roles.events, name="events"),
]
