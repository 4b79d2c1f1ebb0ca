"""The site's legal pages, public: the accessibility statement, the mentions légales and the
personal-data page. What only the operator of an instance knows comes from the settings
(`OPERATOR_*`, docs/configuration.md); an empty setting reads « non renseigné »."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

# No accessibility audit has been made: the RGAA says « non conforme » until one is.
ACCESSIBILITY_STATUS = "non conforme"


def _operator() -> dict:
    return {
        "name": settings.OPERATOR_NAME,
        "address": settings.OPERATOR_ADDRESS,
        "email": settings.OPERATOR_EMAIL,
        "publication_director": settings.PUBLICATION_DIRECTOR,
        "host": settings.HOSTING_PROVIDER,
        "dpo_email": settings.DPO_EMAIL,
    }


@login_not_required
@require_safe
def accessibility(request):
    return render(
        request,
        "core/accessibility.html",
        {"operator": _operator(), "status": ACCESSIBILITY_STATUS},
    )


@login_not_required
@require_safe
def legal_notice(request):
    return render(request, "core/legal_notice.html", {"operator": _operator()})


@login_not_required
@require_safe
def personal_data(request):
    return render(request, "core/personal_data.html", {"operator": _operator()})
