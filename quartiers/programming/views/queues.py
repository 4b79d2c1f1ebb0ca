"""Work queues across contracts: the funder instructor's instruction inbox (its funding
requests, filtered, sorted, paginated, exported as CSV) and the conseil citoyen's list of the
dossiers open for its opinion."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from quartiers.core import spreadsheets
from quartiers.core.pagination import paginate
from quartiers.programming import permissions
from quartiers.programming.filters import COUNCIL, REQUEST, QueueFilter
from quartiers.programming.models import Application, CallForProjects, FundingRequest

INBOX_HEADER = [
    "Contrat",
    "Appel à projets",
    "Dossier",
    "Porteur",
    "Financeur",
    "État",
    "Demandé",
    "Proposé",
    "Avis",
    "Déposé le",
]


def _inbox_filter(request) -> QueueFilter:
    if not permissions.can_use_instruction_inbox(request.user):
        raise PermissionDenied
    requests = FundingRequest.objects.instructed_by(request.user)
    applications = Application.objects.filter(pk__in=requests.values("application"))
    return QueueFilter(
        request.GET,
        queryset=requests,
        applications=applications,
        path="application__",
        opinion=REQUEST,
        calls=CallForProjects.objects.filter(pk__in=applications.values("call")),
    )


def _inbox_rows(queryset):
    return queryset.select_related(
        "funder",
        "opinion",
        "application__carrier",
        "application__call__contract",
    ).prefetch_related(
        # The status words of a dossier in payment read its funding requests.
        Prefetch("application__funding_requests", queryset=FundingRequest.objects.order_by())
    )


def instruction_inbox(request):
    filterset = _inbox_filter(request)
    pagination = paginate(request, _inbox_rows(filterset.qs))
    return render(
        request,
        "programming/queues/instruction_inbox.html",
        {
            "filter": filterset,
            "pagination": pagination,
            "reset_url": reverse("programming:instruction-inbox"),
            "export_url": _with_query(
                reverse("programming:instruction-inbox-export"), pagination.query
            ),
        },
    )


def instruction_inbox_export(request):
    filterset = _inbox_filter(request)
    rows = [
        [
            funding.application.call.contract.name,
            funding.application.call.title,
            funding.application.title,
            funding.application.carrier.name,
            funding.funder.name,
            funding.application.get_status_display(),
            funding.requested,
            funding.proposed if funding.proposed is not None else "",
            _opinion_label(funding),
            _date(funding.application.submitted_at),
        ]
        for funding in _inbox_rows(filterset.qs)
    ]
    content = spreadsheets.write("csv", INBOX_HEADER, rows, title="Dossiers à instruire")
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES["csv"])
    response["Content-Disposition"] = 'attachment; filename="dossiers-a-instruire.csv"'
    return response


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _opinion_label(funding) -> str:
    opinion = getattr(funding, "opinion", None)
    return opinion.get_opinion_display() if opinion and opinion.opinion else "à instruire"


def _date(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def council_queue(request):
    if not permissions.can_use_council_queue(request.user):
        raise PermissionDenied
    applications = Application.objects.open_to_council(request.user)
    filterset = QueueFilter(
        request.GET,
        queryset=applications,
        applications=applications,
        opinion=COUNCIL,
        calls=CallForProjects.objects.filter(pk__in=applications.values("call")),
    )
    rows = filterset.qs.select_related("carrier", "call__contract", "council_opinion")
    pagination = paginate(request, rows)
    for application in pagination.objects:
        application.given = getattr(application, "council_opinion", None)
    return render(
        request,
        "programming/queues/council_queue.html",
        {
            "filter": filterset,
            "pagination": pagination,
            "reset_url": reverse("programming:council-queue"),
        },
    )


urlpatterns = [
    path("instruction/", instruction_inbox, name="instruction-inbox"),
    path("instruction/export.csv", instruction_inbox_export, name="instruction-inbox-export"),
    path("conseil-citoyen/avis/", council_queue, name="council-queue"),
]
