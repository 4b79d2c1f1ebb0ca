"""Deleting a contract and its programming (a platform admin confirms with its slug)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse

from quartiers.access import permissions
from quartiers.access.decorators import contract_page
from quartiers.programming import services
from quartiers.programming.forms.deletion import ContractDeletionForm
from quartiers.programming.models import Application, Attachment


@contract_page(check=permissions.can_delete_contract)
def contract_delete(request, contract):
    form = ContractDeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_contract(
                contract=contract,
                by=request.user,
                confirmation=form.cleaned_data["confirmation"],
            )
        except ValidationError as error:
            form.add_error("confirmation", error)
        else:
            messages.success(request, f"Le contrat « {contract.name} » a été supprimé.")
            return redirect("contracts:contract-list")
    return render(
        request,
        "programming/contract_delete.html",
        {
            "contract": contract,
            "breadcrumb": [
                ("Contrats", reverse("contracts:contract-list")),
                (contract.name, contract.get_absolute_url()),
            ],
            "form": form,
            "applications": Application.objects.filter(contract=contract).count(),
            "attachments": Attachment.objects.filter(application__contract=contract).count(),
            "calls": contract.calls.count(),
        },
    )


urlpatterns = [
    path("contrats/<slug:slug>/supprimer/", contract_delete, name="contract-delete"),
]
