"""The pages of a contract keep their `contracts:` names; `access` serves them."""

from django.urls import path, register_converter

from quartiers.access.views import contracts as views
from quartiers.access.views import corrections

app_name = "contracts"


class ExportFormatConverter:
    regex = "xlsx|ods|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class PartnerCodeConverter:
    """A partner's code (« CAF », « CONSEIL CITOYEN »…): any printable text but a slash.
    Control characters never make a code, and PostgreSQL refuses NUL in a query: such a
    path matches no route (404) instead of reaching the database."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "export_format")
register_converter(PartnerCodeConverter, "partner_code")

urlpatterns = [
    path("contrats/", views.contract_list, name="contract-list"),
    path("contrats/<slug:slug>/", views.contract_detail, name="contract-detail"),
    path("contrats/<slug:slug>/engagements/", views.matrix, name="matrix"),
    path(
        "contrats/<slug:slug>/engagements/<int:number>/",
        views.engagement_detail,
        name="engagement-detail",
    ),
    path(
        "contrats/<slug:slug>/engagements/<int:number>/corriger/",
        corrections.engagement_edit,
        name="engagement-edit",
    ),
    path(
        "contrats/<slug:slug>/engagements/export.<export_format:fmt>",
        views.matrix_export,
        name="matrix-export",
    ),
    path(
        "contrats/<slug:slug>/partenaires/<partner_code:code>/",
        views.partner_detail,
        name="partner-detail",
    ),
    path(
        "contrats/<slug:slug>/partenaires/<partner_code:code>/corriger/",
        corrections.partner_edit,
        name="partner-edit",
    ),
    path("contrats/<slug:slug>/glossaire/", views.glossary, name="glossary"),
    path(
        "contrats/<slug:slug>/avertissements/<int:pk>/verifie/",
        views.warning_review,
        name="warning-review",
    ),
    path("contrats/<slug:slug>/document/", views.source_document, name="source-document"),
    path("contrats/<slug:slug>/archiver/", views.contract_archive, name="contract-archive"),
    path("contrats/<slug:slug>/desarchiver/", views.contract_unarchive, name="contract-unarchive"),
]
