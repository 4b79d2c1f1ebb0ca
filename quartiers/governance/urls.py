from django.urls import path

from quartiers.governance import views, views_minutes

app_name = "governance"

urlpatterns = [
    path("contrats/<slug:slug>/instances/", views.body_list, name="body-list"),
    path("contrats/<slug:slug>/instances/<slug:code>/", views.body_detail, name="body-detail"),
    path(
        "contrats/<slug:slug>/instances/<slug:code>/membres/<int:pk>/retirer/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "contrats/<slug:slug>/instances/<slug:code>/personnes/nouvelle/",
        views.person_add,
        name="person-add",
    ),
    path(
        "contrats/<slug:slug>/instances/<slug:code>/personnes/<int:pk>/retirer/",
        views.person_remove,
        name="person-remove",
    ),
    path(
        "contrats/<slug:slug>/instances/<slug:code>/reunions/nouvelle/",
        views.meeting_create,
        name="meeting-create",
    ),
    path("contrats/<slug:slug>/reunions.ics", views.contract_calendar, name="contract-calendar"),
    path("contrats/<slug:slug>/decisions/", views.decision_list, name="decision-list"),
    *(
        path(
            f"contrats/<slug:slug>/decisions/registre.{fmt}",
            views.decision_export,
            {"fmt": fmt},
            name=f"decision-export-{fmt}",
        )
        for fmt in views.EXPORT_TYPES
    ),
    path(
        "reunions/<uuid:uuid>/decisions/nouvelle/",
        views.decision_create,
        name="decision-create",
    ),
    path("reunions/<uuid:uuid>/", views.meeting_detail, name="meeting-detail"),
    path("reunions/<uuid:uuid>/modifier/", views.meeting_edit, name="meeting-edit"),
    path("reunions/<uuid:uuid>/annuler/", views.meeting_cancel, name="meeting-cancel"),
    path("reunions/<uuid:uuid>/convoquer/", views.meeting_convene, name="meeting-convene"),
    path("reunions/<uuid:uuid>/presences/", views.meeting_attendance, name="meeting-attendance"),
    path("reunions/<uuid:uuid>/invitation.ics", views.meeting_ics, name="meeting-ics"),
    path(
        "reunions/<uuid:uuid>/points/<int:pk>/retirer/",
        views.agenda_entry_remove,
        name="agenda-entry-remove",
    ),
    # Minutes and documents (governance/views_minutes.py).
    path(
        "contrats/<slug:slug>/comptes-rendus/",
        views_minutes.minutes_list,
        name="minutes-list",
    ),
    path("reunions/<uuid:uuid>/compte-rendu/", views_minutes.minutes_detail, name="minutes-detail"),
    path(
        "reunions/<uuid:uuid>/compte-rendu/rediger/",
        views_minutes.minutes_start,
        name="minutes-start",
    ),
    path("reunions/<uuid:uuid>/compte-rendu.pdf", views_minutes.minutes_pdf, name="minutes-pdf"),
    path(
        "reunions/<uuid:uuid>/approuver/<uuid:earlier>/",
        views_minutes.minutes_approve,
        name="minutes-approve",
    ),
    path("reunions/<uuid:uuid>/documents/", views_minutes.document_add, name="document-add"),
    path(
        "reunions/<uuid:uuid>/documents/<int:pk>/",
        views_minutes.document_download,
        name="document-download",
    ),
    path(
        "reunions/<uuid:uuid>/documents/<int:pk>/publication/",
        views_minutes.document_publish,
        name="document-publish",
    ),
    path(
        "reunions/<uuid:uuid>/documents/<int:pk>/retirer/",
        views_minutes.document_remove,
        name="document-remove",
    ),
]
