"""Pages of a contract: public when the contract is published, else for its roles.

Served by `access` rather than `contracts` because every page asks who may see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.access import permissions, services
from quartiers.access.decorators import contract_page
from quartiers.contracts import exports
from quartiers.contracts.enums import PriorityKind
from quartiers.contracts.filters import EngagementFilter
from quartiers.contracts.matrix import build_matrix
from quartiers.contracts.models import Engagement, EngagementRole, Theme
from quartiers.contracts.services import effective_end
from quartiers.core import history, spreadsheets


def _breadcrumb(contract=None):
    links = [("Contrats", reverse("contracts:contract-list"))]
    if contract is not None:
        links.append((contract.name, contract.get_absolute_url()))
    return links


@login_not_required
def contract_list(request):
    contracts = (
        permissions.visible_contracts(request.user)
        .select_related("epci")
        .with_end()
        .with_engagement_count()
    )
    return render(request, "contracts/contract_list.html", {"contracts": contracts})


@contract_page()
def contract_detail(request, contract):
    themes = Theme.objects.annotate(engagement_count=Count("engagements"))
    pillars = contract.pillars.annotate(engagement_count=Count("engagements")).prefetch_related(
        Prefetch("themes", queryset=themes)
    )
    warnings = _warning_rows(request.user, contract)
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
            "warnings": warnings,
            "unreviewed_warnings": sum(not row["warning"].reviewed for row in warnings),
            "can_archive": permissions.can_archive_contract(request.user, contract),
            "can_unarchive": permissions.can_unarchive_contract(request.user, contract),
            "can_delete": permissions.can_delete_contract(request.user, contract),
        },
    )


def _warning_rows(user, contract) -> list[dict]:
    """The contract's import warnings for those who review them, unreviewed first, each with
    the form that fixes it when it has a subject (the partner to name, the engagement of its
    row) and this person may correct the data."""
    if not permissions.can_review_import(user, contract):
        return []
    warnings = contract.import_warnings.select_related(
        "reviewed_by", "partner", "engagement"
    ).order_by("reviewed", "line", "pk")
    can_correct = permissions.can_correct_contract_data(user, contract) and not (
        contract.is_archived
    )
    rows = []
    for warning in warnings:
        url = None
        if warning.partner:
            url = reverse(
                "contracts:partner-edit",
                kwargs={"slug": contract.slug, "code": warning.partner.code},
            )
        elif warning.engagement:
            url = reverse(
                "contracts:engagement-edit",
                kwargs={"slug": contract.slug, "number": warning.engagement.number},
            )
        rows.append(
            {
                "warning": warning,
                "fix_url": f"{url}?avertissement={warning.pk}" if url and can_correct else None,
            }
        )
    return rows


def _filtered_matrix(request, contract):
    filterset = EngagementFilter(request.GET or None, contract=contract)
    matrix = build_matrix(partners=contract.partners.all(), engagements=filterset.qs.with_grid())
    return filterset, matrix


@contract_page()
def matrix(request, contract):
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


@contract_page()
def matrix_export(request, contract, fmt):
    _, grid = _filtered_matrix(request, contract)
    header, rows = exports.matrix_table(grid)
    content = spreadsheets.write(fmt, header, rows, title="Engagements")
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPES[fmt])
    filename = f"engagements-{contract.slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@contract_page()
def partner_detail(request, contract, code):
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
            "can_correct": permissions.can_correct_contract_data(request.user, contract)
            and not contract.is_archived,
            "history": history.entries(partner.history.all())
            if permissions.can_view_history(request.user, contract)
            else None,
        },
    )


def _describe_role_record(record):
    if not hasattr(record, "partner_id"):
        return None
    service = f" ({record.service.code})" if record.service_id else ""
    return f"rôle de {record.partner.code}{service}"


@contract_page()
def engagement_detail(request, contract, number):
    engagement = get_object_or_404(
        Engagement.objects.for_contract(contract).with_grid(), number=number
    )
    can_see_history = permissions.can_view_history(request.user, contract)
    return render(
        request,
        "contracts/engagement_detail.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "engagement": engagement,
            "label": f"Engagement {engagement.number}",
            "roles": engagement.roles.all(),
            "can_correct": permissions.can_correct_contract_data(request.user, contract)
            and not contract.is_archived,
            "history": history.entries(
                engagement.history.all(),
                EngagementRole.history.filter(engagement_id=engagement.pk).select_related(
                    "partner", "service"
                ),
                describe=_describe_role_record,
            )
            if can_see_history
            else None,
        },
    )


@contract_page()
def glossary(request, contract):
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


@contract_page()
def source_document(request, contract):
    document = contract.source_document
    if document is None:
        raise Http404("Ce contrat n'a pas de document source.")
    engagements = {}
    for line, number in contract.engagements.filter(source_document=document).values_list(
        "source_line", "number"
    ):
        engagements.setdefault(line, []).append(number)
    warnings = {}
    if permissions.can_review_import(request.user, contract):
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


def _act(request, action, *, done: str, then: str):
    """A one-button POST: run the service, say what was done or why not, go back to `then`."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(then)


@require_POST
@contract_page(check=permissions.can_review_import)
def warning_review(request, contract, pk):
    warning = get_object_or_404(contract.import_warnings, pk=pk)
    return _act(
        request,
        lambda: services.review_import_warning(warning=warning, by=request.user),
        done="Avertissement marqué comme vérifié.",
        then=f"{contract.get_absolute_url()}#avertissements",
    )


@require_POST
@contract_page(check=permissions.can_archive_contract)
def contract_archive(request, contract):
    return _act(
        request,
        lambda: services.archive_contract(contract=contract, by=request.user),
        done="Le contrat est archivé : il est désormais en lecture seule.",
        then=contract.get_absolute_url(),
    )


@require_POST
@contract_page(check=permissions.can_unarchive_contract)
def contract_unarchive(request, contract):
    return _act(
        request,
        lambda: services.unarchive_contract(contract=contract, by=request.user),
        done="Le contrat est désarchivé : il est de nouveau modifiable.",
        then=contract.get_absolute_url(),
    )
