from django.urls import path

from quartiers.core import views

app_name = "core"

urlpatterns = [
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal-notice"),
    path("donnees-personnelles/", views.personal_data, name="personal-data"),
]
