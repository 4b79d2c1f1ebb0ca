"""After the decision: notification, conventions, payments, bilans (CERFA 15059), ledger."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from quartiers.access.enums import ContractRole
from quartiers.access.permissions import STEERING, contract_roles
from quartiers.access.services import record_event
from quartiers.accounts.services import notify
from quartiers.contracts import services as contract_services
from quartiers.core.formats import euros
from quartiers.programming import letters
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.enums import (
    PaymentKind,
)
from quartiers.programming.models import (
    ZERO,
    Application,
    CallForProjects,
    Convention,
    Decision,
    DecisionLetter,
    FinalReport,
    FundingRequest,
    Payment,
    ReportReminder,
)
from quartiers.programming.services.applications import report_due_on
from quartiers.programming.services.status import (
    CONVENTION_STATUSES,
    DECIDED_STATUSES,
    FUNDED_STATUSES,
    PAYABLE,
    change_status,
    lock_application,
)

REMINDER_INTERVAL_DAYS = 30  # at most one bilan reminder per application in this many days


REMINDER_NOTICE_DAYS = 30  # start reminding this many days before the due date


def carrier_recipients(application: Application) -> list[str]:
    """Who hears about a dossier: its contact and the members of the carrier organisation."""
    emails = {application.contact_email.strip().lower()} if application.contact_email else set()
    emails |= {
        email.lower()
        for email in application.carrier.members.filter(is_active=True).values_list(
            "email", flat=True
        )
    }
    return sorted(emails - {""})


def decisions_of(application: Application) -> list[Decision]:
    """The application's decisions, by funder, with their request, funder and session."""
    return list(
        Decision.objects.filter(request__application=application)
        .select_related("request__funder", "session__meeting")
        .order_by("request__funder__name")
    )


def signatory(user, contract) -> tuple[str, str]:
    """(name, quality) of who signs a decision letter for the comité de pilotage: the person
    who sends it, in the steering role they hold on `contract`. Without a person (a command)
    or without a steering role (a platform administrator), nobody is named: the letter is
    signed by the committee itself."""
    committee = f"pour le comité de pilotage du {contract.name}"
    roles = contract_roles(user, contract) & STEERING if user is not None else set()
    if not roles:
        return "", f"Le comité de pilotage du {contract.name}"
    role = min(roles, key=list(ContractRole).index)  # the chef·fe de projet before the délégué·e
    name = user.get_full_name().strip()
    return name, f"{capfirst(ContractRole(role).label)}, {committee}"


def issue_decision_letter(*, application: Application, by=None) -> DecisionLetter:
    """The application's decision letter, numbered and signed when first issued; issuing it
    again returns the same letter (same reference, same signatory).

    The reference is `<contract slug>-<call year>-<sequence>`, the sequence counting the
    call's letters (one call a year per contract); the call is locked while it is counted.
    """
    existing = DecisionLetter.objects.filter(application=application).first()
    if existing is not None:
        return existing
    call = CallForProjects.objects.select_for_update().get(pk=application.call_id)
    existing = DecisionLetter.objects.filter(application=application).first()
    if existing is not None:  # issued while this one waited for the lock
        return existing
    sequence = DecisionLetter.objects.filter(call=call).count() + 1
    name, quality = signatory(by, application.contract)
    return DecisionLetter.objects.create(
        application=application,
        call=call,
        sequence=sequence,
        reference=f"{application.contract.slug}-{call.year}-{sequence:04d}",
        issued_by=by,
        signatory_name=name,
        signatory_quality=quality,
    )


@transaction.atomic
def notify_decision(*, application: Application, by=None) -> list[str]:
    """E-mail the comité de pilotage's decisions, with the decision letter, to the carrier;
    the letter is issued (numbered, signed by `by`) the first time."""
    contract_services.ensure_not_archived(application.contract)
    decisions = decisions_of(application)
    if application.status not in DECIDED_STATUSES or not decisions:
        raise ValidationError("Le comité de pilotage n'a pas encore décidé de ce dossier.")
    recipients = carrier_recipients(application)
    if not recipients:
        raise ValidationError(
            "Le dossier n'a pas de courriel de contact et le porteur n'a aucun membre inscrit : "
            "personne à prévenir."
        )
    letter = issue_decision_letter(application=application, by=by)
    notify(
        users=carrier_members(application),
        text=f"Le comité de pilotage a décidé de votre dossier « {application.title} » "
        f"(lettre {letter.reference}).",
        link=application.get_absolute_url(),
        email_template="programming/emails/decision",
        email_to=recipients,
        email_context={
            "application": application,
            "decisions": decisions,
            "granted": application.funding_requests.totals()["granted"],
            "letter": letter,
            "appeal": letters.APPEAL,
        },
        attachments=[
            (
                letters.decision_letter_filename(application),
                letters.decision_letter_pdf(application, decisions=decisions),
                "application/pdf",
            )
        ],
    )
    record_event(
        verb="decision_notified",
        summary=f"Décision {letter.reference} sur « {application.title} » envoyée à "
        f"{len(recipients)} "
        f"destinataire{'s' if len(recipients) > 1 else ''} de {application.carrier}",
        contract=application.contract,
        actor=by,
        data={
            "application": str(application.uuid),
            "letter": letter.reference,
            "recipients": recipients,
        },
    )
    return recipients


@transaction.atomic
def sign_convention(
    *, application: Application, funders: list, signed_on, years: int = 1, by=None
) -> Convention:
    """Commit what `funders` granted: one convention, multi-year (CPO) when `years` > 1.

    A funding request has at most one convention (`FundingRequest.convention`): its year is
    the call's, and a CPO covering several years is still one convention. The application and
    the requests are locked first, so a form submitted twice signs once; the second submission
    is refused.
    """
    lock_application(application)
    if application.status not in CONVENTION_STATUSES:
        raise ValidationError("Une convention suit une décision du comité de pilotage.")
    if not 1 <= years <= 4:
        raise ValidationError("Une convention pluriannuelle couvre 4 ans au plus.")
    funders = list(dict.fromkeys(funders))
    if not funders:
        raise ValidationError("Une convention engage au moins un financeur.")
    requests = {
        request.funder_id: request
        for request in FundingRequest.objects.select_for_update()
        .filter(application=application, funder__in=funders)
        .order_by("pk")  # no join: lock the requests only
    }
    for funder in funders:
        request = requests.get(funder.pk)
        if request is None or request.granted <= 0:
            raise ValidationError(f"{funder} n'a rien accordé à ce dossier.")
        if request.convention is not None:
            raise ValidationError(
                f"{funder} a déjà signé une convention pour ce dossier (convention du "
                f"{request.convention.signed_on:%d/%m/%Y}) : elle n'est pas enregistrée deux fois."
            )
    amount = sum((request.granted for request in requests.values()), ZERO)
    convention = Convention.objects.create(
        application=application, years=years, amount=amount, signed_on=signed_on
    )
    for request in requests.values():
        request.convention = convention
        request.committed = request.granted
        request._history_user = by
        request.save(update_fields=["convention", "committed"])
    if application.status == S.DECIDED:
        change_status(application=application, to=S.CONVENTION_SIGNED, by=by)
    record_event(
        verb="convention_signed",
        summary=f"Convention signée pour « {application.title} » : {euros(amount)} "
        f"({', '.join(str(f) for f in funders)}" + (f", {years} ans" if years > 1 else "") + ")",
        contract=application.contract,
        actor=by,
    )
    return convention


@transaction.atomic
def record_payment(
    *, convention: Convention, funder, kind: str, amount: Decimal, paid_on, by=None
) -> Payment:
    """A payment of `funder` under `convention`, within what remains to pay (committed − paid).

    The application and the funding request are locked, so two payments recorded at once are
    checked one after the other against the amount left.
    """
    application = lock_application(convention.application)
    if application.status not in PAYABLE:
        raise ValidationError("Ce dossier n'attend plus de paiement.")
    if kind not in PaymentKind.values:
        raise ValidationError("Nature de paiement inconnue.")
    if amount is None or amount <= 0:
        raise ValidationError("Un paiement a un montant positif.")
    request = (
        FundingRequest.objects.select_for_update()
        .filter(convention=convention, funder=funder)
        .order_by("pk")  # no join: lock the request only
        .first()
    )
    if request is None:
        raise ValidationError(f"{funder} n'est pas partie à cette convention.")
    if amount > request.remaining:
        raise ValidationError(
            f"Paiement refusé : il reste {euros(request.remaining)} à verser par {funder} "
            f"({euros(request.committed)} engagés, {euros(request.paid)} déjà versés)."
        )
    payment = Payment.objects.create(
        convention=convention, request=request, kind=kind, amount=amount, paid_on=paid_on
    )
    request.paid += amount  # the request is locked (select_for_update) until the commit
    request._history_user = by
    request.save(update_fields=["paid"])
    if application.status == S.CONVENTION_SIGNED:
        change_status(application=application, to=S.PAID, by=by)
    record_event(
        verb="payment_recorded",
        summary=f"« {application.title} » — {funder} : {payment.get_kind_display()} de "
        f"{euros(amount)} payé le {paid_on:%d/%m/%Y}",
        contract=application.contract,
        actor=by,
    )
    return payment


@transaction.atomic
def submit_report(*, application: Application, by=None, **values) -> FinalReport:
    lock_application(application)
    if FinalReport.objects.filter(application=application).exists():
        raise ValidationError("Le bilan de ce dossier est déjà déposé.")
    if application.status not in FUNDED_STATUSES:
        raise ValidationError("Le bilan se dépose une fois l'action financée.")
    total = values["participants_total"]
    women, men = values.get("participants_women", 0), values.get("participants_men", 0)
    by_qpv = values.get("participants_by_qpv") or {}
    bands = values.get("participants_age_bands") or {}
    counts = [total, women, men, *by_qpv.values(), *bands.values()]
    if any(int(n) < 0 for n in counts):
        raise ValidationError("Les nombres de participants sont positifs.")
    if women + men > total:
        raise ValidationError("Femmes et hommes dépassent le nombre de participants.")
    if sum(int(v) for v in by_qpv.values()) > total:
        raise ValidationError("Les habitants des QPV dépassent le nombre de participants.")
    if sum(int(v) for v in bands.values()) > total:
        raise ValidationError("Les tranches d'âge dépassent le nombre de participants.")
    report = FinalReport.objects.create(application=application, **values)
    if application.status == S.CONVENTION_SIGNED:
        change_status(application=application, to=S.PAID, by=by, comment="bilan avant solde")
    change_status(application=application, to=S.REPORT_RECEIVED, by=by)
    record_event(
        verb="report_received",
        summary=f"Bilan reçu pour « {application.title} »",
        contract=application.contract,
        actor=by,
    )
    return report


def reports_to_remind(*, contract=None) -> list[Application]:
    """Funded actions without bilan, due within `REMINDER_NOTICE_DAYS` or overdue, that were
    not reminded in the last `REMINDER_INTERVAL_DAYS` days."""
    now = timezone.now()
    horizon = timezone.localdate(now) + datetime.timedelta(days=REMINDER_NOTICE_DAYS)
    applications = (
        Application.objects.filter(
            status__in=FUNDED_STATUSES, report__isnull=True, ends_on__isnull=False
        )
        .exclude(
            report_reminders__sent_at__gt=now - datetime.timedelta(days=REMINDER_INTERVAL_DAYS)
        )
        .select_related("contract", "carrier")
        .order_by("ends_on", "pk")
    )
    if contract is not None:
        applications = applications.filter(contract=contract)
    return [a for a in applications if report_due_on(a) <= horizon]


@transaction.atomic
def send_report_reminder(*, application: Application) -> ReportReminder:
    """E-mail the carrier that a bilan is due (or overdue); recorded in `ReportReminder`."""
    contract_services.ensure_not_archived(application.contract)
    recipients = carrier_recipients(application)
    if not recipients:
        raise ValidationError(f"« {application.title} » : personne à qui écrire.")
    today = timezone.localdate()
    due = report_due_on(application)
    _notify_report_due(application, due=due, overdue=due < today, recipients=recipients)
    reminder = ReportReminder.objects.create(application=application)
    record_event(
        verb="report_reminder_sent",
        summary=f"Relance du bilan de « {application.title} » (attendu le {due:%d/%m/%Y})",
        contract=application.contract,
        data={"application": str(application.uuid), "recipients": recipients},
    )
    return reminder


def carrier_members(application: Application):
    """The people of the carrier organisation: they hear about their dossier in-app."""
    return list(application.carrier.members.filter(is_active=True))


def _notify_report_due(application, *, due, overdue, recipients, key=""):
    return notify(
        users=carrier_members(application),
        text=f"Le bilan de « {application.title} » "
        + (f"était attendu le {due:%d/%m/%Y}." if overdue else f"est attendu le {due:%d/%m/%Y}."),
        link=reverse("programming:report-create", kwargs={"uuid": application.uuid}),
        key=key,
        email_template="programming/emails/report_reminder",
        email_to=recipients,
        email_context={"application": application, "due_on": due, "overdue": overdue},
    )


def reports_due(*, contract=None) -> list[Application]:
    """Funded actions without bilan, due within `REMINDER_NOTICE_DAYS` or overdue."""
    horizon = timezone.localdate() + datetime.timedelta(days=REMINDER_NOTICE_DAYS)
    applications = (
        Application.objects.filter(
            status__in=FUNDED_STATUSES,
            report__isnull=True,
            ends_on__isnull=False,
            contract__archived_at__isnull=True,
        )
        .select_related("contract", "carrier")
        .order_by("ends_on", "pk")
    )
    if contract is not None:
        applications = applications.filter(contract=contract)
    return [a for a in applications if report_due_on(a) <= horizon]


@transaction.atomic
def notify_report_due(*, application: Application) -> bool:
    """Tell the carrier once that the bilan is due (in-app and by e-mail): one notice per
    bilan and due date, however often it runs (`notify_reports_due`, daily). Returns whether
    it was told now."""
    contract_services.ensure_not_archived(application.contract)
    due = report_due_on(application)
    notice = _notify_report_due(
        application,
        due=due,
        overdue=due < timezone.localdate(),
        recipients=carrier_recipients(application),
        key=f"report-due:{application.uuid}:{due.isoformat()}",
    )
    return notice is not None


def ledger(application: Application) -> list[FundingRequest]:
    """requested → proposed → granted → committed → paid, one funding request per funder."""
    return list(application.funding_requests.select_related("funder").order_by("funder__name"))


@dataclass
class CallLedgerRow:
    """One funder of a call: its envelope, then the sums of its funding requests."""

    funder: object
    envelope: Decimal
    applications: int
    requested: Decimal
    proposed: Decimal
    granted: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        """Committed by a convention and not paid yet."""
        return self.committed - self.paid


def call_ledger(call: CallForProjects) -> list[CallLedgerRow]:
    """The call's money per funder: envelope, requested … paid (submitted dossiers only)."""
    from quartiers.accounts.models import Organisation

    totals = FundingRequest.objects.for_call(call).submitted().totals_by_funder()
    envelopes = dict(call.funders.values_list("organisation", "envelope"))
    empty = {"applications": 0, "requested": ZERO, "proposed": ZERO, "granted": ZERO}
    empty |= {"committed": ZERO, "paid": ZERO}
    funders = Organisation.objects.filter(pk__in=set(envelopes) | set(totals))
    return [
        CallLedgerRow(
            funder=funder,
            envelope=envelopes.get(funder.pk, ZERO),
            **totals.get(funder.pk, empty),
        )
        for funder in funders
    ]
