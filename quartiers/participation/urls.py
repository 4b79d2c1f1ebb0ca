from django.urls import path

from quartiers.participation import fund_views, views

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

# The fonds de participation des habitants (`fund_views`).
FPH = "contrats/<slug:slug>/fph/"
urlpatterns += [
    path(FPH, fund_views.fund_public, name="fund-public"),
    path(f"{FPH}demande/", fund_views.fph_request, name="fph-request"),
    path(f"{FPH}demande/envoyee/", fund_views.fph_request_sent, name="fph-request-sent"),
    path(f"{FPH}comite/", fund_views.fund_committee, name="fund-committee"),
    path(f"{FPH}comite/fonds/nouveau/", fund_views.fund_edit, name="fund-create"),
    path(f"{FPH}comite/fonds/<int:year>/", fund_views.fund_edit, name="fund-edit"),
    path(
        f"{FPH}projets/<uuid:uuid>/", fund_views.micro_project_detail, name="micro-project-detail"
    ),
    path(
        f"{FPH}projets/<uuid:uuid>/decision/",
        fund_views.micro_project_decide,
        name="micro-project-decide",
    ),
    path(
        f"{FPH}projets/<uuid:uuid>/versement/",
        fund_views.micro_project_pay,
        name="micro-project-pay",
    ),
    path(
        f"{FPH}projets/<uuid:uuid>/pieces/<int:pk>/",
        fund_views.micro_project_file,
        name="micro-project-file",
    ),
    # A group's private link (the key it received by e-mail): no account.
    path("fph/suivi/<str:key>/", fund_views.fph_follow, name="fph-follow"),
    path("fph/suivi/<str:key>/confirmer/", fund_views.fph_confirm, name="fph-confirm"),
    path("fph/suivi/<str:key>/bilan/", fund_views.fph_report, name="fph-report"),
]
