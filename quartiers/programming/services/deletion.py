"""Deleting a whole contract: here, above `contracts` and `access`, because the programming's
rows protect themselves (a payment its request, a decision its session, a dossier its call)
and its attachments have files on disk."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from quartiers.access import permissions
from quartiers.access.models import Event, RoleAssignment
from quartiers.contracts.models import Contract, SourceDocument
from quartiers.programming.models import (
    Action,
    Application,
    Attachment,
    CallForProjects,
    Decision,
    Payment,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def delete_contract(*, contract: Contract, by, confirmation: str) -> dict[str, int]:
    """Delete `contract` and every row it owns (a platform admin, who types its slug).

    Its journal goes with it, so the deletion is logged (who, when, what counts). The files of
    its attachments are removed once the deletion is committed, unless another dossier still
    points to them; the imported documents no other contract uses go too. Returns the number
    of rows deleted per model."""
    if by is not None and not permissions.can_delete_contract(by, contract):
        raise ValidationError("Seul un administrateur de la plateforme supprime un contrat.")
    if confirmation.strip() != contract.slug:
        raise ValidationError(
            f"Pour confirmer, saisissez l'identifiant du contrat : « {contract.slug} »."
        )
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    files = set(
        Attachment.objects.filter(application__contract=contract).values_list("file", flat=True)
    )
    documents = set(
        SourceDocument.objects.filter(
            Q(contracts=contract) | Q(importwarning__contract=contract)
        ).values_list("pk", flat=True)
    )
    counts: dict[str, int] = {}

    def delete(queryset):
        _total, per_model = queryset.delete()
        for label, number in per_model.items():
            counts[label] = counts.get(label, 0) + number

    # Protected rows first, from the leaves: payments, decisions, dossiers, actions, calls.
    delete(Payment.objects.filter(convention__application__contract=contract))
    delete(Decision.objects.filter(session__call__contract=contract))
    delete(Application.objects.filter(contract=contract))
    delete(Action.objects.filter(contract=contract))
    delete(CallForProjects.objects.filter(contract=contract))
    delete(contract.engagements.all())  # they protect their pillars and themes
    delete(RoleAssignment.objects.filter(contract=contract))
    delete(Event.objects.filter(contract=contract))
    delete(Contract.objects.filter(pk=contract.pk))
    delete(SourceDocument.objects.filter(pk__in=documents, contracts=None, importwarning=None))
    still_used = set(Attachment.objects.filter(file__in=files).values_list("file", flat=True))
    transaction.on_commit(lambda: _remove_files(files - still_used))
    logger.warning(
        "Contract %s (%s) deleted by %s: %s",
        contract.slug,
        contract.pk,
        getattr(by, "email", "the platform"),
        ", ".join(f"{label} {number}" for label, number in sorted(counts.items())),
    )
    return counts


def _remove_files(names) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)
