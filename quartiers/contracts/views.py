"""Public, read-only pages of a contract: the protocol is a public document."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from quartiers.contracts import exports
from quartiers.contracts.enums import PriorityKind
from quartiers.contracts.filters import EngagementFilter
from quartiers.contracts.matrix import build_matrix
from quartiers.contracts.models import Contract, EngagementRole, Theme
from quartiers.contracts.services import effective_end


def _contract(slug):
    return get_object_or_404(Contract.objects.select_related("epci").with_end(), slug=slug)


def _breadcrumb(contract=None):
    links = [("Contrats", reverse("contracts:contract-list"))]
    if contract is not None:
        links.append((contract.name, contract.get_absolute_url()))
    return links


@login_not_required
def contract_list(request):
    contracts = Contract.objects.select_related("epci").with_end().with_engagement_count()
    return render(request, "contracts/contract_list.html", {"contracts": contracts})


@login_not_required
def contract_detail(request, slug):
    contract = _contract(slug)
    themes = Theme.objects.annotate(engagement_count=Count("engagements"))
    pillars = contract.pillars.annotate(engagement_count=Count("engagements")).prefetch_related(
        Prefetch("themes", queryset=themes)
    )
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(),
            "ends_on": effective_end(contract),
            "communes": contract.communes.all(),
            "qpvs": contract.qpvs.all(),
            "amendments": contract.amendments.all(),
            "pillars": pillars,
            "thematic_priorities": contract.priorities.filter(kind=PriorityKind.THEMATIC),
            "transversal_priorities": contract.priorities.filter(kind=PriorityKind.TRANSVERSAL),
            "governance_bodies": contract.governance_bodies.all(),
            "partners": contract.partners.with_services(),
            "signatories": contract.signatories.select_related("partner"),
            "warnings": contract.import_warnings.filter(reviewed=False),
        },
    )


def _filtered_matrix(request, contract):
    filterset = EngagementFilter(request.GET or None, contract=contract)
    matrix = build_matrix(partners=contract.partners.all(), engagements=filterset.qs.with_grid())
    return filterset, matrix


@login_not_required
def matrix(request, slug):
    contract = _contract(slug)
    filterset, grid = _filtered_matrix(request, contract)
    return render(
        request,
        "contracts/matrix.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "filter": filterset,
            "matrix": grid,
            "total": contract.engagements.count(),
            "query_suffix": f"?{request.GET.urlencode()}" if request.GET else "",
        },
    )


@login_not_required
def matrix_export(request, slug, fmt):
    contract = _contract(slug)
    _, grid = _filtered_matrix(request, contract)
    header, rows = exports.matrix_table(grid)
    content = exports.WRITERS[fmt](header, rows, title="Engagements")
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    filename = f"engagements-{contract.slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
def partner_detail(request, slug, code):
    contract = _contract(slug)
    partner = get_object_or_404(contract.partners.select_related("parent"), code=code)
    roles = (
        EngagementRole.objects.filter(engagement__contract=contract)
        .involving(partner)
        .select_related("engagement__pillar", "engagement__theme", "partner", "service")
        .order_by("engagement__number", "partner__position", "service__code")
    )
    return render(
        request,
        "contracts/partner_detail.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "partner": partner,
            "services": partner.services.all(),
            "roles": roles,
            "contributions": partner.contributions.all(),
        },
    )


@login_not_required
def glossary(request, slug):
    contract = _contract(slug)
    return render(
        request,
        "contracts/glossary.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "entries": contract.glossary.all(),
            "partner_codes": set(contract.partners.values_list("code", flat=True)),
        },
    )


@login_not_required
def source_document(request, slug):
    contract = _contract(slug)
    document = contract.source_document
    if document is None:
        raise Http404("Ce contrat n'a pas de document source.")
    engagements = {}
    for line, number in contract.engagements.filter(source_document=document).values_list(
        "source_line", "number"
    ):
        engagements.setdefault(line, []).append(number)
    warnings = {}
    for warning in contract.import_warnings.filter(source_document=document):
        warnings.setdefault(warning.line, []).append(warning)
    lines = [
        {
            "number": n,
            "text": text,
            "engagements": engagements.get(n, []),
            "warnings": warnings.get(n, []),
        }
        for n, text in enumerate(document.lines, start=1)
    ]
    return render(
        request,
        "contracts/source_document.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "document": document,
            "lines": lines,
        },
    )
