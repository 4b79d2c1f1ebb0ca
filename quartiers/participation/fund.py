"""The fonds de participation des habitants (FPH): its yearly funds and the micro-projects
informal groups of residents ask it to support, from the request (no account: a private link
sent by e-mail) to the committee's vote, the payment and the bilan.

The envelope's consumption (`consumption`) is computed here only. Accepting a project locks
the fund's row, so that two acceptances at once never commit more than the envelope. Journal
summaries name projects by title, never a resident.
"""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from quartiers.access.permissions import contract_organisations
from quartiers.access.services import record_event
from quartiers.contracts.models import Contract
from quartiers.contracts.services import ensure_not_archived
from quartiers.core.formats import euros
from quartiers.core.mail import absolute_url, send_templated_mail
from quartiers.core.ratelimit import RateLimit
from quartiers.core.uploads import attachment_error, upload_content_type
from quartiers.governance import register
from quartiers.governance.enums import BodyKind, DecisionKind, MeetingStatus
from quartiers.governance.services import mark_held
from quartiers.participation import draws, permissions
from quartiers.participation.enums import MicroProjectFileKind, MicroProjectStatus
from quartiers.participation.models import (
    MicroProject,
    MicroProjectFile,
    ResidentsFund,
)

S = MicroProjectStatus
# Status groups, next to the transitions.
TRANSITIONS = {
    S.UNCONFIRMED: {S.SUBMITTED},
    S.SUBMITTED: {S.ACCEPTED, S.REFUSED},
    S.ACCEPTED: {S.PAID},
    S.PAID: {S.REPORTED},
    S.REFUSED: set(),
    S.REPORTED: set(),
}
COMMITTED = {S.ACCEPTED, S.PAID, S.REPORTED}  # take from the envelope
PAID_STATES = {S.PAID, S.REPORTED}
SUPPORTED = COMMITTED  # shown on the public page

# How long the e-mailed link confirms a request; unconfirmed, it is not examined.
CONFIRMATION_MAX_AGE = timedelta(days=7)
# An unconfirmed request is deleted this long after it was filed: its link says it expired
# until then, then it is unknown (`purge_personal_data`).
UNCONFIRMED_KEPT = timedelta(days=30)
DEFAULT_CAP = Decimal("760")
PHOTO_TYPES = {"image/jpeg", "image/png"}
MAX_REPORT_FILES = 10

FPH_REQUESTS = RateLimit(
    name="fph-requests",
    setting="FPH_REQUESTS_PER_ADDRESS",
    message="Trop de demandes au fonds de participation des habitants depuis votre adresse.",
)

CENT = Decimal("0.01")


def _journal(contract, by, verb, summary, **data):
    record_event(contract=contract, actor=by, verb=verb, summary=summary, data=data)


def _user(by):
    return by if by is not None and by.is_authenticated else None


# --------------------------------------------------------------------------- consumption


@dataclass(frozen=True)
class Consumption:
    """The envelope of a fund and what its projects take: committed (accepted, not yet paid,
    plus paid), of which paid, and what remains to grant."""

    envelope: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.committed

    @property
    def percent(self) -> int:
        """Committed share of the envelope, rounded down (a progress bar's value)."""
        if not self.envelope:
            return 0
        return min(100, int(self.committed * 100 / self.envelope))


def consumption(fund) -> Consumption:
    """The one computation of a fund's consumption (a paid project commits what was paid)."""
    money = DecimalField(max_digits=12, decimal_places=2)
    zero = Decimal(0)
    totals = MicroProject.objects.filter(fund=fund).aggregate(
        committed=Coalesce(
            Sum(
                Case(
                    When(status__in=PAID_STATES, then=F("amount_paid")),
                    When(status__in=COMMITTED, then=F("amount_granted")),
                    default=zero,
                    output_field=money,
                )
            ),
            zero,
            output_field=money,
        ),
        paid=Coalesce(
            Sum("amount_paid", filter=Q(status__in=PAID_STATES)), zero, output_field=money
        ),
    )
    return Consumption(fund.envelope, totals["committed"], totals["paid"])


def share_limit(fund, total_cost) -> Decimal:
    """The most the fund may give to a project costing `total_cost` (its share, to the cent
    below)."""
    return (Decimal(total_cost) * fund.max_share / 100).quantize(CENT, rounding=ROUND_DOWN)


def amount_errors(fund, *, amount, total_cost, field="amount_requested") -> dict:
    """The fund's rules on an amount (cap, share of the cost), in French, by field."""
    errors = {}
    if amount is None or amount <= 0:
        errors[field] = "Le montant doit être supérieur à zéro."
        return errors
    if total_cost is not None and amount > total_cost:
        errors[field] = (
            f"Le montant ({euros(amount)}) dépasse le coût total du projet ({euros(total_cost)})."
        )
    elif amount > fund.cap_per_project:
        errors[field] = (
            f"Le fonds accorde au plus {euros(fund.cap_per_project)} par projet : "
            f"{euros(amount)}, c'est trop."
        )
    elif total_cost is not None and amount > share_limit(fund, total_cost):
        errors[field] = (
            f"Le fonds couvre au plus {fund.max_share} % du coût total, soit "
            f"{euros(share_limit(fund, total_cost))} pour un projet de {euros(total_cost)}."
        )
    return errors


# --------------------------------------------------------------------------- funds


def current_fund(contract):
    """The fund of this year open to requests, or None."""
    year = timezone.localdate().year
    return ResidentsFund.objects.filter(contract=contract, year=year, is_open=True).first()


@transaction.atomic
def save_fund(
    *,
    contract,
    by,
    year: int,
    envelope,
    cap_per_project=DEFAULT_CAP,
    max_share: int = 80,
    carrying_organisation=None,
    carrying_structure_name: str = "",
    is_open: bool = True,
) -> ResidentsFund:
    """Create or update the contract's fund of `year`. The envelope never drops below what is
    already committed; the carrying association is one of the contract's organisations or a
    name (not both)."""
    ensure_not_archived(contract)
    if by is not None and not permissions.can_manage_fund(by, contract):
        raise ValidationError("Seul le chef de projet du contrat gère le fonds des habitants.")
    errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = "Année attendue entre 2000 et 2100."
    if envelope is None or envelope < 0:
        errors["envelope"] = "L'enveloppe ne peut pas être négative."
    if cap_per_project is None or cap_per_project <= 0:
        errors["cap_per_project"] = "Le plafond par projet doit être supérieur à zéro."
    if not 1 <= (max_share or 0) <= 100:
        errors["max_share"] = "La part du coût total est un pourcentage entre 1 et 100."
    carrying_structure_name = draws.normalise(carrying_structure_name)
    if carrying_organisation is not None and carrying_structure_name:
        errors["carrying_structure_name"] = (
            "Choisissez l'organisation ou écrivez un nom, pas les deux."
        )
    elif carrying_organisation is not None and (
        not contract_organisations(contract).filter(pk=carrying_organisation.pk).exists()
    ):
        errors["carrying_organisation"] = (
            f"« {carrying_organisation} » ne participe pas à ce contrat."
        )
    if errors:
        raise ValidationError(errors)
    fund = ResidentsFund.objects.select_for_update().filter(contract=contract, year=year).first()
    created = fund is None
    if fund is not None:
        committed = consumption(fund).committed
        if envelope < committed:
            raise ValidationError(
                {
                    "envelope": (
                        f"{euros(committed)} sont déjà engagés : l'enveloppe ne peut pas "
                        "descendre en dessous."
                    )
                }
            )
    fund = fund or ResidentsFund(contract=contract, year=year)
    fund.envelope = envelope
    fund.cap_per_project = cap_per_project
    fund.max_share = max_share
    fund.carrying_organisation = carrying_organisation
    fund.carrying_structure_name = carrying_structure_name
    fund.is_open = is_open
    fund._history_user = _user(by)
    fund.save()
    _journal(
        contract,
        by,
        "fund_created" if created else "fund_updated",
        f"Fonds de participation des habitants {year} {'créé' if created else 'modifié'} : "
        f"enveloppe de {euros(envelope)}",
        fund=fund.pk,
    )
    return fund


# --------------------------------------------------------------------------- requests


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def project_for_key(key: str):
    """The micro-project whose private link carries `key`, or None."""
    if not key or len(key) > 100:
        return None
    return (
        MicroProject.objects.select_related("fund", "contract")
        .filter(access_key_hash=_hash(key))
        .first()
    )


@dataclass(frozen=True)
class Purged:
    unconfirmed: int  # requests deleted
    contacts: int  # groups whose contact was erased


def purge_personal_data(*, now=None) -> Purged:
    """Keep residents' data no longer than needed. A request never confirmed is deleted
    `UNCONFIRMED_KEPT` after it was filed; the contact (first name, e-mail, phone) of a group
    whose request was refused, or whose bilan is filed, is erased
    `FPH_CONTACT_RETENTION_DAYS` after, in the row and in every history row. What the group
    did stays (title, amounts, vote, bilan). Idempotent: `quartiers purge_fph`, daily."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    kept = timedelta(days=settings.FPH_CONTACT_RETENTION_DAYS)
    history = MicroProject.history.model.objects
    erased = {"contact_first_name": "", "contact_email": "", "contact_phone": ""}
    with transaction.atomic():
        stale = list(
            MicroProject.objects.filter(
                status=S.UNCONFIRMED, created_at__lt=now - UNCONFIRMED_KEPT
            ).values_list("pk", flat=True)
        )
        MicroProject.objects.filter(pk__in=stale).delete()
        history.filter(id__in=stale).delete()  # the deletion's own history row included
        closed = MicroProject.objects.filter(contact_erased_on__isnull=True).filter(
            Q(status=S.REFUSED, decided_on__lt=today - kept)
            | Q(status=S.REPORTED, reported_at__lt=now - kept)
        )
        done = dict(closed.values_list("pk", "contract_id"))
        MicroProject.objects.filter(pk__in=done).update(**erased, contact_erased_on=today)
        history.filter(id__in=done).update(**erased)
        counts = Counter(done.values())
        for contract_id, contract in sorted(Contract.objects.in_bulk(counts).items()):
            record_event(
                verb="micro_project_contacts_erased",
                summary=f"Fonds des habitants : coordonnées de {counts[contract_id]} groupe(s) "
                f"effacées ({settings.FPH_CONTACT_RETENTION_DAYS} jours après le refus ou le "
                "bilan)",
                contract=contract,
            )
    return Purged(unconfirmed=len(stale), contacts=len(done))


def follow_url(key: str) -> str:
    return absolute_url(reverse("participation:fph-follow", kwargs={"key": key}))


@dataclass(frozen=True)
class Filed:
    """A request filed: the project, and the key of its private link (None on a replay of the
    same form: the first sending's e-mail has it)."""

    project: MicroProject
    key: str | None


def request_micro_project(
    *,
    fund,
    nonce: str = "",
    title: str,
    description: str,
    audience: str,
    when: str,
    group_name: str,
    contact_first_name: str,
    contact_email: str,
    contact_phone: str = "",
    total_cost,
    amount_requested,
) -> Filed:
    """File a request on `fund` (open, of its contract's current year) for an informal group,
    without an account. It waits for the e-mail's confirmation before the committee sees it;
    the e-mail carries the group's private link. `nonce` (the form's): the same form sent
    twice files one request."""
    if nonce:
        first = MicroProject.objects.filter(request_nonce=nonce).first()
        if first is not None:
            return Filed(first, None)
    try:
        with transaction.atomic():
            return _file_request(
                fund=fund,
                nonce=nonce or None,
                title=title,
                description=description,
                audience=audience,
                when=when,
                group_name=group_name,
                contact_first_name=contact_first_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                total_cost=total_cost,
                amount_requested=amount_requested,
            )
    except IntegrityError:
        first = MicroProject.objects.filter(request_nonce=nonce).first() if nonce else None
        if first is None:
            raise
        return Filed(first, None)


def _file_request(*, fund, nonce, total_cost, amount_requested, **fields) -> Filed:
    contract = fund.contract
    ensure_not_archived(contract)
    fund = ResidentsFund.objects.get(pk=fund.pk)
    if not fund.is_open or fund.year != timezone.localdate().year:
        raise ValidationError(
            f"Le fonds des habitants {fund.year} ne reçoit pas de demande en ce moment."
        )
    texts = {name: draws.normalise(value or "") for name, value in fields.items()}
    texts["description"] = (fields.get("description") or "").strip()
    texts["contact_email"] = texts["contact_email"].lower()
    errors = {
        name: "Ce champ est obligatoire."
        for name, value in texts.items()
        if not value and name != "contact_phone"
    }
    if total_cost is None or total_cost <= 0:
        errors["total_cost"] = "Le coût total doit être supérieur à zéro."
    errors.update(
        {
            k: v
            for k, v in amount_errors(fund, amount=amount_requested, total_cost=total_cost).items()
            if k not in errors
        }
    )
    if not errors:
        remaining = consumption(fund).remaining
        if amount_requested > remaining:
            errors["amount_requested"] = (
                f"L'enveloppe restante ({euros(remaining)}) ne permet pas de demander "
                f"{euros(amount_requested)}."
            )
    if errors:
        raise ValidationError(errors)
    key = secrets.token_urlsafe(32)
    project = MicroProject(
        contract=contract,
        fund=fund,
        total_cost=total_cost,
        amount_requested=amount_requested,
        access_key_hash=_hash(key),
        request_nonce=nonce,
        **texts,
    )
    project.save()
    _journal(
        contract,
        None,
        "micro_project_requested",
        f"Demande au fonds des habitants {fund.year} : « {project.title} » "
        f"({euros(amount_requested)}), en attente de confirmation",
        project=str(project.uuid),
    )
    send_templated_mail(
        template="participation/emails/fph_confirm",
        to=[project.contact_email],
        context={
            "project": project,
            "contract": contract,
            "url": follow_url(key),
            "days": CONFIRMATION_MAX_AGE.days,
        },
    )
    return Filed(project, key)


def confirmation_expired(project) -> bool:
    return (
        project.status == S.UNCONFIRMED
        and timezone.now() - project.created_at > CONFIRMATION_MAX_AGE
    )


@transaction.atomic
def confirm_micro_project(*, project) -> bool:
    """Confirm the request from its e-mailed link. Returns False when it already was (the
    link is single-use: a second click confirms nothing); refuses an expired link."""
    project = MicroProject.objects.select_for_update().get(pk=project.pk)
    if project.status != S.UNCONFIRMED:
        return False
    ensure_not_archived(project.contract)
    if confirmation_expired(project):
        raise ValidationError(
            f"Ce lien a expiré : une demande se confirme dans les {CONFIRMATION_MAX_AGE.days} "
            "jours. Déposez une nouvelle demande."
        )
    project.status = S.SUBMITTED
    project.confirmed_at = timezone.now()
    project.save(update_fields=["status", "confirmed_at"])
    _journal(
        project.contract,
        None,
        "micro_project_confirmed",
        f"Demande au fonds des habitants confirmée : « {project.title} »",
        project=str(project.uuid),
    )
    return True


# --------------------------------------------------------------------------- committee


def committee_meetings(contract):
    """The meetings of the contract's FPH committees, newest first."""
    from quartiers.governance.models import Meeting

    return (
        Meeting.objects.filter(contract=contract, body__kind=BodyKind.FPH_COMMITTEE)
        .select_related("body")
        .order_by("-date", "-pk")
    )


def decide_micro_project(
    *,
    project,
    by,
    accepted: bool,
    votes_for: int,
    votes_against: int,
    votes_abstention: int = 0,
    decided_on,
    amount_granted=None,
    comment: str = "",
    meeting=None,
) -> MicroProject:
    """Record the committee's vote on a submitted request: accepted (an amount within the
    request, the cap, the share of the cost and what remains of the envelope) or refused (a
    reason). The fund's row is locked first: two acceptances at once are served one after
    the other, the second seeing what the first committed. Voted at a meeting of the
    committee, the decision is numbered in the contract's register. The group is told by
    e-mail."""
    with transaction.atomic():
        project = _decide(
            project=project,
            by=by,
            accepted=accepted,
            votes=(votes_for, votes_against, votes_abstention),
            decided_on=decided_on,
            amount_granted=amount_granted,
            comment=(comment or "").strip(),
            meeting=meeting,
        )
        send_templated_mail(
            template="participation/emails/fph_decision",
            to=[project.contact_email],
            context={"project": project, "contract": project.contract},
        )
    return project


def _decide(*, project, by, accepted, votes, decided_on, amount_granted, comment, meeting):
    contract = project.contract
    ensure_not_archived(contract)
    if by is not None and not permissions.can_decide_micro_project(by, contract):
        raise ValidationError(
            "Seuls le chef de projet et les membres du conseil citoyen enregistrent le vote "
            "du comité."
        )
    fund = ResidentsFund.objects.select_for_update().get(pk=project.fund_id)
    project = MicroProject.objects.select_for_update().get(pk=project.pk)
    if project.status != S.SUBMITTED:
        raise ValidationError(
            f"Cette demande est « {project.get_status_display()} » : le comité n'a plus à la voter."
        )
    errors = {}
    if any(v is None or v < 0 for v in votes):
        errors["votes_for"] = "Indiquez le nombre de voix pour, contre et d'abstentions."
    elif accepted and votes[0] <= votes[1]:
        errors["votes_for"] = "Avec autant de voix contre que pour, la demande n'est pas acceptée."
    if decided_on is None:
        errors["decided_on"] = "Indiquez la date de la décision."
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "La décision ne peut pas être datée de demain."
    if meeting is not None:
        errors.update(_meeting_errors(contract, meeting, decided_on))
    if accepted:
        if amount_granted is None:
            amount_granted = project.amount_requested
        if amount_granted > project.amount_requested:
            errors["amount_granted"] = (
                f"Le comité accorde au plus le montant demandé ({euros(project.amount_requested)})."
            )
        else:
            errors.update(
                amount_errors(
                    fund,
                    amount=amount_granted,
                    total_cost=project.total_cost,
                    field="amount_granted",
                )
            )
        if "amount_granted" not in errors:
            remaining = consumption(fund).remaining
            if amount_granted > remaining:
                errors["amount_granted"] = (
                    f"L'enveloppe restante ({euros(remaining)}) ne permet pas d'accorder "
                    f"{euros(amount_granted)}."
                )
    elif not comment:
        errors["comment"] = "Un refus est motivé : écrivez la raison, elle est envoyée au groupe."
    if errors:
        raise ValidationError(errors)
    project.status = S.ACCEPTED if accepted else S.REFUSED
    project.votes_for, project.votes_against, project.votes_abstention = votes
    project.decided_on = decided_on
    project.amount_granted = amount_granted if accepted else None
    project.decision_comment = comment
    project.meeting = meeting
    project.decided_by = _user(by)
    if meeting is not None:
        project.register_entry = _register(project, meeting, by=_user(by))
    project._history_user = _user(by)
    project.save()
    _journal(
        contract,
        by,
        "micro_project_accepted" if accepted else "micro_project_refused",
        f"Fonds des habitants : « {project.title} » "
        + (f"accepté ({euros(amount_granted)})" if accepted else "refusé")
        + f", {votes[0]} pour, {votes[1]} contre, {_abstentions(votes[2])}",
        project=str(project.uuid),
    )
    return project


def _abstentions(count: int) -> str:
    return f"{count} abstention{'s' if count > 1 else ''}"


def _meeting_errors(contract, meeting, decided_on) -> dict:
    meeting.refresh_from_db(fields=["status", "date"])
    if meeting.contract_id != contract.pk or meeting.body.kind != BodyKind.FPH_COMMITTEE:
        return {"meeting": "Cette réunion n'est pas une réunion du comité FPH de ce contrat."}
    if meeting.status == MeetingStatus.CANCELLED:
        return {"meeting": "Cette réunion est annulée : choisissez celle où le comité a voté."}
    if decided_on is not None and decided_on != meeting.date:
        return {
            "decided_on": f"La décision prise à cette réunion est datée du jour de la réunion "
            f"({meeting.date:%d/%m/%Y})."
        }
    return {}


def _register(project, meeting, *, by):
    """The vote's entry in the public register of decisions: neither the group's contact nor
    the reason of a refusal (sent to the group, it may name someone) is written there."""
    outcome = (
        f"accorde {euros(project.amount_granted)} sur {euros(project.amount_requested)} demandés"
        if project.status == S.ACCEPTED
        else "refuse la demande"
    )
    entry = register.write_decision(
        meeting=meeting,
        kind=DecisionKind.RESIDENTS_FUND,
        title=f"Fonds de participation des habitants : « {project.title} »",
        text=f"Le comité {outcome}, par {project.votes_for} voix pour, "
        f"{project.votes_against} contre et {_abstentions(project.votes_abstention)}.",
        by=by,
    )
    mark_held(meeting, by=by)
    return entry


# --------------------------------------------------------------------------- payment


@transaction.atomic
def record_payment(*, project, by, paid_on, amount) -> MicroProject:
    """The carrying association paid the group: once, at most the amount granted."""
    contract = project.contract
    ensure_not_archived(contract)
    if by is not None and not permissions.can_record_fph_payment(by, contract):
        raise ValidationError("Seul le chef de projet enregistre le versement.")
    project = MicroProject.objects.select_for_update().get(pk=project.pk)
    if project.status in PAID_STATES:
        raise ValidationError(
            f"Le versement est déjà enregistré ({euros(project.amount_paid)} le "
            f"{project.paid_on:%d/%m/%Y})."
        )
    if project.status != S.ACCEPTED:
        raise ValidationError("Seule une demande acceptée par le comité est versée.")
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = "Le montant versé doit être supérieur à zéro."
    elif amount > project.amount_granted:
        errors["amount"] = (
            f"Le montant versé ({euros(amount)}) dépasse le montant accordé "
            f"({euros(project.amount_granted)})."
        )
    if paid_on is None:
        errors["paid_on"] = "Indiquez la date du versement."
    elif project.decided_on and paid_on < project.decided_on:
        errors["paid_on"] = "Le versement précède la décision du comité."
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "Le versement ne peut pas être daté de demain."
    if errors:
        raise ValidationError(errors)
    project.status = S.PAID
    project.paid_on = paid_on
    project.amount_paid = amount
    project.payment_recorded_by = _user(by)
    project._history_user = _user(by)
    project.save()
    _journal(
        contract,
        by,
        "micro_project_paid",
        f"Fonds des habitants : « {project.title} » versé ({euros(amount)}) par "
        f"{project.fund.carrying_structure or 'l’association porteuse'}",
        project=str(project.uuid),
    )
    return project


# --------------------------------------------------------------------------- bilan


def report_file_errors(photos, receipts) -> list[str]:
    """Every file checked (`core.uploads.attachment_error`); photos are images only."""
    errors = []
    if len(photos) + len(receipts) > MAX_REPORT_FILES:
        errors.append(f"{MAX_REPORT_FILES} fichiers au plus par bilan.")
    for upload in [*photos, *receipts]:
        error = attachment_error(upload)
        if error:
            errors.append(error)
    for upload in photos:
        if upload_content_type(upload) not in PHOTO_TYPES:
            errors.append(f"« {upload.name} » : une photo est une image JPEG ou PNG.")
    return list(dict.fromkeys(errors))


@transaction.atomic
def file_report(*, project, text: str, participants, expenses, photos=(), receipts=()):
    """The group's bilan through its private link, once the money is paid: a few lines, the
    number of participants, the real expenses and their receipts (one at least), photos if
    it wishes. Every file is checked; none is public."""
    project = MicroProject.objects.select_for_update().get(pk=project.pk)
    ensure_not_archived(project.contract)
    if project.status == S.REPORTED:
        raise ValidationError("Le bilan de ce projet est déjà déposé.")
    if project.status != S.PAID:
        raise ValidationError("Le bilan se dépose une fois l'aide versée.")
    photos, receipts = list(photos), list(receipts)
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = "Racontez en quelques lignes comment s'est passé le projet."
    if participants is None or participants < 1:
        errors["participants"] = "Indiquez combien de personnes ont participé."
    if expenses is None or expenses <= 0:
        errors["expenses"] = "Indiquez le total des dépenses réelles."
    if not receipts:
        errors["receipts"] = "Joignez au moins un justificatif de dépense (facture, ticket)."
    file_errors = report_file_errors(photos, receipts)
    if file_errors:
        errors.setdefault("receipts", file_errors)
    if errors:
        raise ValidationError(errors)
    for kind, uploads in (
        (MicroProjectFileKind.PHOTO, photos),
        (MicroProjectFileKind.RECEIPT, receipts),
    ):
        for upload in uploads:
            MicroProjectFile.objects.create(
                project=project,
                kind=kind,
                file=upload,
                name=upload.name[:255],
                content_type=upload_content_type(upload),
                size=upload.size,
            )
    project.report_text = text
    project.report_participants = participants
    project.report_expenses = expenses
    project.reported_at = timezone.now()
    project.status = S.REPORTED
    project.save()
    _journal(
        project.contract,
        None,
        "micro_project_reported",
        f"Fonds des habitants : bilan de « {project.title} » déposé "
        f"({euros(expenses)} de dépenses, {len(receipts)} justificatif(s))",
        project=str(project.uuid),
    )
    return project


@dataclass(frozen=True)
class Receipt:
    """The bilan read like a receipt: what was granted, paid and spent."""

    granted: Decimal
    paid: Decimal
    expenses: Decimal

    @property
    def unspent(self) -> Decimal:
        """What was paid and not spent (to give back to the carrying association)."""
        return max(Decimal(0), self.paid - self.expenses)


def receipt(project) -> Receipt | None:
    if project.status != S.REPORTED:
        return None
    return Receipt(
        project.amount_granted or Decimal(0),
        project.amount_paid or Decimal(0),
        project.report_expenses or Decimal(0),
    )
