from django.urls import path

from quartiers.participation import views

app_name = "participation"

COUNCIL = "contrats/<slug:slug>/conseil-citoyen/"

urlpatterns = [
    path(COUNCIL, views.council, name="council"),
    path(f"{COUNCIL}modifier/", views.council_edit, name="council-edit"),
    path(f"{COUNCIL}membres/nouveau/", views.member_create, name="member-create"),
    path(f"{COUNCIL}membres/<int:pk>/modifier/", views.member_edit, name="member-edit"),
    path(f"{COUNCIL}membres/<int:pk>/depart/", views.member_leave, name="member-leave"),
    path(f"{COUNCIL}membres/<int:pk>/effacer/", views.member_erase, name="member-erase"),
    path(
        f"{COUNCIL}volontaires/nouvelle/",
        views.volunteer_list_create,
        name="volunteer-list-create",
    ),
    path(
        f"{COUNCIL}volontaires/<uuid:uuid>/",
        views.volunteer_list_detail,
        name="volunteer-list-detail",
    ),
    path(f"{COUNCIL}volontaires/<uuid:uuid>/tirage/", views.draw_create, name="draw-create"),
    path(f"{COUNCIL}tirages/<uuid:uuid>/", views.draw_detail, name="draw-detail"),
    # Public (when the contract is): the draws of a contract, and each draw; no name.
    path("contrats/<slug:slug>/tirages-au-sort/", views.draw_list, name="draw-list"),
    path("tirages-au-sort/<uuid:uuid>/", views.draw_public, name="draw-public"),
]
