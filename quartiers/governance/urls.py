from django.urls import path

from quartiers.governance import views

app_name = "governance"

urlpatterns = [
    path("contrats/<slug:slug>/instances/", views.body_list, name="body-list"),
    path("contrats/<slug:slug>/instances/<slug:code>/", views.body_detail, name="body-detail"),
    path(
        "contrats/<slug:slug>/instances/<slug:code>/membres/<int:pk>/retirer/",
        views.member_remove,
        name="member-remove",
    ),
]
