from django.urls import path

from quartiers.protocol_import import views

app_name = "protocol_import"

urlpatterns = [
    path("contrats/importer/", views.import_new_contract, name="import-new"),
    path("contrats/<slug:slug>/importer/", views.import_into_contract, name="import"),
    path("imports/<uuid:uuid>/", views.import_job, name="job"),
]
