"""Bodies and their members: every write of the governance goes through here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.core.enums import OrganisationKind
from quartiers.governance import permissions
from quartiers.governance.enums import BodyKind
from quartiers.governance.models import Body, Membership
from quartiers.governance.naming import body_code, body_kind


@transaction.atomic
def sync_bodies(*, contract) -> list[Body]:
    """Create the bodies the imported document names (and the conseil citoyen when the grid
    has one), once: a body already there is kept as it is, renamed or not by its users, and
    none is deleted when a later version of the document stops naming it."""
    existing = list(Body.objects.select_for_update().filter(contract=contract))
    known = {b.imported_from_id for b in existing} | {None}
    names = {b.name for b in existing}
    taken = {b.code for b in existing}
    created = []
    position = max((b.position for b in existing), default=-1) + 1

    def add(name, kind, source=None):
        nonlocal position
        code = body_code(kind, name, taken)
        taken.add(code)
        names.add(name)
        body = Body(
            contract=contract,
            kind=kind,
            name=name,
            code=code,
            position=position,
            imported_from=source,
        )
        position += 1
        created.append(body)

    for source in contract.governance_bodies.order_by("position"):
        if source.pk not in known and source.name not in names:
            add(source.name, body_kind(source.name), source)
    has_council = any(b.kind == BodyKind.CITIZEN_COUNCIL for b in existing + created)
    council = contract.partners.filter(kind=OrganisationKind.CITIZEN_COUNCIL).first()
    if council and not has_council and council.name not in names:
        add(council.name, BodyKind.CITIZEN_COUNCIL)
    return bulk_create_with_history(created, Body)


def _check(user, contract):
    if user is not None and not permissions.can_manage_bodies(user, contract):
        raise PermissionDenied("Seuls la cheffe ou le chef de projet gèrent les instances.")
    contract_services.ensure_not_archived(contract)


@transaction.atomic
def create_body(*, contract, kind: str, name: str, by) -> Body:
    _check(by, contract)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Donnez un nom à l'instance."})
    bodies = Body.objects.select_for_update().filter(contract=contract)
    if bodies.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"Ce contrat a déjà une instance « {name} »."})
    taken = set(bodies.values_list("code", flat=True))
    position = max(bodies.values_list("position", flat=True), default=-1) + 1
    try:
        with transaction.atomic():
            body = Body.objects.create(
                contract=contract,
                kind=kind,
                name=name,
                code=body_code(kind, name, taken),
                position=position,
            )
    except IntegrityError:  # the same name created at the same instant
        raise ValidationError({"name": f"Ce contrat a déjà une instance « {name} »."}) from None
    record_event(
        verb="body_created",
        summary=f"Instance créée : {body.name} ({body.get_kind_display()})",
        contract=contract,
        actor=by,
    )
    return body


@transaction.atomic
def add_member(*, body, partner, role: str, voting: bool, by) -> Membership:
    _check(by, body.contract)
    if partner.contract_id != body.contract_id:
        raise ValidationError({"partner": "Ce partenaire n'est pas un partenaire de ce contrat."})
    membership, created = Membership.objects.get_or_create(
        body=body, partner=partner, defaults={"role": role, "voting": voting}
    )
    if not created:
        raise ValidationError({"partner": f"{partner.name} siège déjà dans {body.name}."})
    record_event(
        verb="body_member_added",
        summary=f"{partner.name} : {membership.get_role_display()} de {body.name}",
        contract=body.contract,
        actor=by,
    )
    return membership


@transaction.atomic
def remove_member(*, membership, by) -> None:
    body = membership.body
    _check(by, body.contract)
    membership.delete()
    record_event(
        verb="body_member_removed",
        summary=f"{membership.partner.name} ne siège plus dans {body.name}",
        contract=body.contract,
        actor=by,
    )
