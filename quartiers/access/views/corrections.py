"""Correcting imported data inside the product: a partner, an engagement and its roles.

The chef de projet comes here from an import warning (`?avertissement=<pk>`) or from the
partner's or engagement's page; saving from a warning marks it reviewed.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from quartiers.access import permissions, services
from quartiers.access.decorators import contract_page
from quartiers.access.forms import EngagementCorrectionForm, PartnerCorrectionForm
from quartiers.contracts.models import Engagement, ImportWarning
from quartiers.contracts.services import organisation_shared
from quartiers.core import idempotency


def _warning(request, contract):
    """The contract's import warning named by the form or the URL, if any (else None: a
    warning of another contract, or a mangled number, is ignored rather than trusted)."""
    raw = request.POST.get("warning") if request.method == "POST" else None
    raw = raw or request.GET.get("avertissement")
    if not raw or not str(raw).isdigit() or len(str(raw)) > 18:
        return None
    return ImportWarning.objects.filter(contract=contract, pk=int(raw)).first()


def _breadcrumb(contract, label, url):
    return [
        ("Contrats", reverse("contracts:contract-list")),
        (contract.name, contract.get_absolute_url()),
        (label, url),
    ]


@contract_page(check=permissions.can_correct_contract_data)
@idempotency.replays_submissions
def partner_edit(request, contract, code):
    partner = get_object_or_404(
        contract.partners.select_related("parent", "organisation"), code=code
    )
    warning = _warning(request, contract)
    form = PartnerCorrectionForm(
        request.POST or None,
        partner=partner,
        user=request.user,
        initial={
            "name": partner.name,
            "kind": partner.kind,
            "parent": partner.parent_id,
            "warning": warning.pk if warning else None,
        },
    )
    if request.method == "POST" and form.is_valid() and not contract.is_archived:
        data = form.cleaned_data
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.correct_partner(
                partner=partner,
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                by=request.user,
                warning=warning,
            ),
            url=lambda _: partner.get_absolute_url(),
            success=lambda _: (
                "Le partenaire est enregistré."
                + (" L'avertissement d'import est marqué comme vérifié." if warning else "")
            ),
        )
        if response:
            return response
    return render(
        request,
        "contracts/partner_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, partner.code, partner.get_absolute_url()),
            "partner": partner,
            "form": None if contract.is_archived else form,
            "warning": warning,
            "organisation_shared": organisation_shared(partner),
        },
    )


@contract_page(check=permissions.can_correct_contract_data)
@idempotency.replays_submissions
def engagement_edit(request, contract, number):
    engagement = get_object_or_404(
        Engagement.objects.for_contract(contract).select_related("pillar", "theme"),
        number=number,
    )
    warning = _warning(request, contract)
    form = EngagementCorrectionForm(request.POST or None, engagement=engagement)
    if warning and not form.is_bound:
        form.initial["warning"] = warning.pk
    url = reverse(
        "contracts:engagement-detail", kwargs={"slug": contract.slug, "number": engagement.number}
    )
    if request.method == "POST" and form.is_valid() and not contract.is_archived:
        data = form.cleaned_data
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.correct_engagement(
                engagement=engagement,
                text=data["text"],
                pillar=data["pillar"],
                theme=data["theme"],
                roles=form.roles(),
                by=request.user,
                warning=warning,
            ),
            url=lambda _: url,
            success=lambda _: (
                "L'engagement est enregistré."
                + (" L'avertissement d'import est marqué comme vérifié." if warning else "")
            ),
        )
        if response:
            return response
    return render(
        request,
        "contracts/engagement_form.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, f"Engagement {engagement.number}", url),
            "engagement": engagement,
            "engagement_url": url,
            "form": None if contract.is_archived else form,
            "warning": warning,
        },
    )
