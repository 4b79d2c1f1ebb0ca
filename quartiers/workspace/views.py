"""The home page: « Mon espace » for signed-in people, the public contracts for visitors."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from quartiers.access import permissions
from quartiers.workspace import services


@login_not_required
def home(request):
    if not request.user.is_authenticated:
        contracts = (
            permissions.visible_contracts(request.user)
            .select_related("epci")
            .with_end()
            .with_engagement_count()
        )
        return render(request, "contracts/contract_list.html", {"contracts": contracts})
    return render(request, "workspace/home.html", {"spaces": services.workspace(request.user)})
