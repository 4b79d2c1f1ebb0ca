"""Calls for projects: creation, yearly copy, opening, start of instruction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.enums import (
    CallStatus,
)
from quartiers.programming.models import (
    CallForProjects,
    CallFunder,
    GridCriterion,
    RequiredAttachment,
)
from quartiers.programming.services.status import change_status, lock_application


@transaction.atomic
def create_call(
    *,
    contract,
    year: int,
    title: str,
    opens_on,
    deadline,
    priorities=(),
    engagements=(),
    by=None,
    **fields,
) -> CallForProjects:
    contract_services.ensure_not_archived(contract)
    taken = ValidationError(f"Un appel à projets {year} existe déjà pour ce contrat.")
    if CallForProjects.objects.filter(contract=contract, year=year).exists():
        raise taken
    if deadline.date() < opens_on:
        raise ValidationError("La date limite doit suivre l'ouverture.")
    try:
        with transaction.atomic():  # a concurrent creation of that year wins the unique index
            call = CallForProjects.objects.create(
                contract=contract,
                year=year,
                title=title,
                opens_on=opens_on,
                deadline=deadline,
                **fields,
            )
    except IntegrityError:
        raise taken from None
    call.priorities.set(priorities)
    call.engagements.set(engagements)
    record_event(
        verb="call_created", summary=f"Appel à projets {year} créé", contract=contract, actor=by
    )
    return call


def shift_year(value, years: int):
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def copy_call_to_next_year(*, call: CallForProjects, by=None) -> CallForProjects:
    """« Ouvrir l'appel de l'an prochain » : same funders, attachments, grid and dates + 1 year."""
    contract_services.ensure_not_archived(call.contract)
    new = create_call(
        contract=call.contract,
        year=call.year + 1,
        title=call.title.replace(str(call.year), str(call.year + 1)),
        description=call.description,
        opens_on=shift_year(call.opens_on, 1),
        deadline=shift_year(call.deadline, 1),
        technical_committee_on=shift_year(call.technical_committee_on, 1),
        steering_committee_on=shift_year(call.steering_committee_on, 1),
        min_qpv_share=call.min_qpv_share,
        previous=call,
        priorities=call.priorities.all(),
        engagements=call.engagements.all(),
        by=by,
    )
    CallFunder.objects.bulk_create(
        CallFunder(call=new, organisation_id=f.organisation_id, envelope=f.envelope)
        for f in call.funders.all()
    )
    RequiredAttachment.objects.bulk_create(
        RequiredAttachment(call=new, label=r.label, mandatory=r.mandatory)
        for r in call.required_attachments.all()
    )
    GridCriterion.objects.bulk_create(
        GridCriterion(
            call=new, label=c.label, weight=c.weight, max_score=c.max_score, position=c.position
        )
        for c in call.criteria.all()
    )
    return new


@transaction.atomic
def update_call(
    *, call: CallForProjects, priorities=None, engagements=None, by=None
) -> CallForProjects:
    """Save a call's edited fields and, if given, its priorities and engagements (its funders,
    attachments and grid are saved alongside)."""
    contract_services.ensure_not_archived(call.contract)
    if call.deadline.date() < call.opens_on:
        raise ValidationError("La date limite doit suivre l'ouverture.")
    call.save()
    if priorities is not None:
        call.priorities.set(priorities)
    if engagements is not None:
        call.engagements.set(engagements)
    record_event(verb="call_changed", summary=f"{call} modifié", contract=call.contract, actor=by)
    return call


def open_call(*, call: CallForProjects, by=None) -> None:
    """Open a call in preparation, or reopen a closed one for late applications (logged)."""
    contract_services.ensure_not_archived(call.contract)
    if call.status == CallStatus.OPEN:
        raise ValidationError("Cet appel à projets est déjà ouvert.")
    call.status = CallStatus.OPEN
    call.save(update_fields=["status"])
    record_event(verb="call_opened", summary=f"{call} ouvert", contract=call.contract, actor=by)


def accepts_new_applications(call: CallForProjects) -> bool:
    """Carriers start dossiers on an open call only: not on one still in preparation (its
    managers' business), nor on a closed one. The dates bound the submission, not the draft."""
    return call.status == CallStatus.OPEN


def is_open_for_submission(call: CallForProjects) -> bool:
    now = timezone.now()
    return call.status == CallStatus.OPEN and call.opens_on <= now.date() and now <= call.deadline


@transaction.atomic
def start_instruction(*, call: CallForProjects, by=None) -> int:
    """After the deadline: every submitted application goes to instruction; returns how many.

    Each dossier is locked (`lock_application`, in pk order) and its status read again under
    the lock: one that left « déposé » since the list was read (a complement asked, a
    withdrawal) is left as it now is, never overwritten."""
    contract_services.ensure_not_archived(call.contract)
    if timezone.now() <= call.deadline:
        raise ValidationError(
            "L'instruction commence après la date limite de dépôt "
            f"({timezone.localtime(call.deadline):%d/%m/%Y %H:%M})."
        )
    moved = 0
    for application in call.applications.filter(status=S.SUBMITTED).order_by("pk"):
        lock_application(application)
        if application.status != S.SUBMITTED:
            continue
        change_status(application=application, to=S.UNDER_INSTRUCTION, by=by)
        moved += 1
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status"])
    return moved
