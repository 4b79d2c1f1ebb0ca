"""After the decision: notification, conventions, payments, bilans (CERFA 15059), ledger."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone

from quartiers.access.services import record_event
from quartiers.core.formats import euros
from quartiers.core.mail import absolute_url, send_templated_mail
from quartiers.programming import letters
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.enums import (
    DecisionOutcome,
    PaymentKind,
)
from quartiers.programming.models import (
    SUBSIDY_ACCOUNT,
    Application,
    BudgetLine,
    CallForProjects,
    Convention,
    Decision,
    FinalReport,
    FunderOpinion,
    Payment,
    ReportReminder,
)
from quartiers.programming.services.applications import funders_asked, report_due_on
from quartiers.programming.services.instruction import granted_total
from quartiers.programming.services.status import DECIDED_STATUSES, FUNDED_STATUSES, change_status

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
    return list(application.decisions.select_related("funder", "session").order_by("funder__name"))


@transaction.atomic
def notify_decision(*, application: Application, by=None) -> list[str]:
    """E-mail the comité de pilotage's decisions, with the decision letter, to the carrier."""
    decisions = decisions_of(application)
    if application.status not in DECIDED_STATUSES or not decisions:
        raise ValidationError("Le comité de pilotage n'a pas encore décidé de ce dossier.")
    recipients = carrier_recipients(application)
    if not recipients:
        raise ValidationError(
            "Le dossier n'a pas de courriel de contact et le porteur n'a aucun membre inscrit : "
            "personne à prévenir."
        )
    send_templated_mail(
        template="programming/emails/decision",
        to=recipients,
        context={
            "application": application,
            "decisions": decisions,
            "granted": sum(
                (d.amount for d in decisions if d.outcome == DecisionOutcome.GRANTED),
                Decimal("0"),
            ),
            "link": absolute_url(application.get_absolute_url()),
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
        summary=f"Décision sur « {application.title} » envoyée à {len(recipients)} "
        f"destinataire{'s' if len(recipients) > 1 else ''} de {application.carrier}",
        contract=application.call.contract,
        actor=by,
        data={"application": str(application.uuid), "recipients": recipients},
    )
    return recipients


@transaction.atomic
def sign_convention(
    *, application: Application, funders: list, signed_on, years: int = 1, by=None
) -> Convention:
    if application.status not in {S.DECIDED, S.CONVENTION_SIGNED}:
        raise ValidationError("Une convention suit une décision du comité de pilotage.")
    if not 1 <= years <= 4:
        raise ValidationError("Une convention pluriannuelle couvre 4 ans au plus.")
    funders = list(dict.fromkeys(funders))
    if not funders:
        raise ValidationError("Une convention engage au moins un financeur.")
    committed = set(
        Convention.funders.through.objects.filter(convention__application=application).values_list(
            "organisation_id", flat=True
        )
    )
    amount = Decimal("0")
    for funder in funders:
        if funder.pk in committed:
            raise ValidationError(f"{funder} a déjà signé une convention pour ce dossier.")
        granted = granted_total(application, funder)
        if granted <= 0:
            raise ValidationError(f"{funder} n'a rien accordé à ce dossier.")
        amount += granted
    convention = Convention.objects.create(
        application=application, years=years, amount=amount, signed_on=signed_on
    )
    convention.funders.set(funders)
    if application.status == S.DECIDED:
        change_status(application=application, to=S.CONVENTION_SIGNED, by=by)
    record_event(
        verb="convention_signed",
        summary=f"Convention signée pour « {application.title} » : {euros(amount)} "
        f"({', '.join(str(f) for f in funders)}" + (f", {years} ans" if years > 1 else "") + ")",
        contract=application.call.contract,
        actor=by,
    )
    return convention


@transaction.atomic
def record_payment(
    *, convention: Convention, funder, kind: str, amount: Decimal, paid_on, by=None
) -> Payment:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    application = convention.application
    if application.status not in {S.CONVENTION_SIGNED, S.PAID, S.REPORT_RECEIVED}:
        raise ValidationError("Ce dossier n'attend plus de paiement.")
    if kind not in PaymentKind.values:
        raise ValidationError("Nature de paiement inconnue.")
    if amount is None or amount <= 0:
        raise ValidationError("Un paiement a un montant positif.")
    if not convention.funders.filter(pk=funder.pk).exists():
        raise ValidationError(f"{funder} n'est pas partie à cette convention.")
    already = convention.payments.filter(funder=funder).aggregate(t=Sum("amount"))["t"] or 0
    granted = granted_total(application, funder)
    if already + amount > granted:
        raise ValidationError(
            f"Paiement refusé : {euros(already + amount)} dépasserait les "
            f"{euros(granted)} accordés."
        )
    payment = Payment.objects.create(
        convention=convention, funder=funder, kind=kind, amount=amount, paid_on=paid_on
    )
    if application.status == S.CONVENTION_SIGNED:
        change_status(application=application, to=S.PAID, by=by)
    record_event(
        verb="payment_recorded",
        summary=f"« {application.title} » — {funder} : {payment.get_kind_display()} de "
        f"{euros(amount)} payé le {paid_on:%d/%m/%Y}",
        contract=application.call.contract,
        actor=by,
    )
    return payment


@transaction.atomic
def submit_report(*, application: Application, by=None, **values) -> FinalReport:
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
        contract=application.call.contract,
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
        .select_related("call__contract", "carrier")
        .order_by("ends_on", "pk")
    )
    if contract is not None:
        applications = applications.filter(call__contract=contract)
    return [a for a in applications if report_due_on(a) <= horizon]


@transaction.atomic
def send_report_reminder(*, application: Application) -> ReportReminder:
    """E-mail the carrier that a bilan is due (or overdue); recorded in `ReportReminder`."""
    recipients = carrier_recipients(application)
    if not recipients:
        raise ValidationError(f"« {application.title} » : personne à qui écrire.")
    today = timezone.localdate()
    due = report_due_on(application)
    send_templated_mail(
        template="programming/emails/report_reminder",
        to=recipients,
        context={
            "application": application,
            "due_on": due,
            "overdue": due < today,
            "link": absolute_url(
                reverse("programming:report-create", kwargs={"uuid": application.uuid})
            ),
        },
    )
    reminder = ReportReminder.objects.create(application=application)
    record_event(
        verb="report_reminder_sent",
        summary=f"Relance du bilan de « {application.title} » (attendu le {due:%d/%m/%Y})",
        contract=application.call.contract,
        data={"application": str(application.uuid), "recipients": recipients},
    )
    return reminder


@dataclass
class LedgerRow:
    funder: object
    requested: Decimal
    proposed: Decimal
    granted: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        """Committed by a convention and not paid yet."""
        return self.committed - self.paid


def _sums(queryset, key: str) -> dict:
    return {
        row[key]: row["total"] or Decimal("0")
        for row in queryset.order_by().values(key).annotate(total=Sum("amount"))
    }


def ledger(application: Application) -> list[LedgerRow]:
    """requested → proposed → granted → committed → paid, per funder (six queries)."""
    requested = _sums(application.budget_lines.filter(account=SUBSIDY_ACCOUNT), "funder")
    proposed = {o.funder_id: o.proposed_amount or Decimal("0") for o in application.opinions.all()}
    granted = _sums(application.decisions.filter(outcome=DecisionOutcome.GRANTED), "funder")
    committed = set(
        Convention.funders.through.objects.filter(convention__application=application).values_list(
            "organisation_id", flat=True
        )
    )
    paid = _sums(Payment.objects.filter(convention__application=application), "funder")
    return [
        LedgerRow(
            funder=funder,
            requested=requested.get(funder.pk, Decimal("0")),
            proposed=proposed.get(funder.pk, Decimal("0")),
            granted=granted.get(funder.pk, Decimal("0")),
            committed=granted.get(funder.pk, Decimal("0"))
            if funder.pk in committed
            else Decimal("0"),
            paid=paid.get(funder.pk, Decimal("0")),
        )
        for funder in funders_asked(application)
    ]


@dataclass
class CallLedgerRow(LedgerRow):
    envelope: Decimal
    applications: int


def call_ledger(call: CallForProjects) -> list[CallLedgerRow]:
    """The call's money per funder: envelope, requested … paid (submitted dossiers only)."""
    from quartiers.accounts.models import Organisation

    applications = Application.objects.for_call(call).submitted()
    lines = BudgetLine.objects.filter(
        application__in=applications, account=SUBSIDY_ACCOUNT, amount__gt=0
    )
    requested = _sums(lines, "funder")
    asking = {
        row["funder"]: row["n"]
        for row in lines.order_by().values("funder").annotate(n=Count("application", distinct=True))
    }
    proposed = {
        row["funder"]: row["total"] or Decimal("0")
        for row in FunderOpinion.objects.filter(application__in=applications)
        .order_by()
        .values("funder")
        .annotate(total=Sum("proposed_amount"))
    }
    granted_decisions = Decision.objects.filter(
        application__in=applications, outcome=DecisionOutcome.GRANTED
    )
    granted = _sums(granted_decisions, "funder")
    committed = _sums(
        granted_decisions.filter(
            Exists(
                Convention.funders.through.objects.filter(
                    convention__application=OuterRef("application"),
                    organisation=OuterRef("funder"),
                )
            )
        ),
        "funder",
    )
    paid = _sums(Payment.objects.filter(convention__application__call=call), "funder")
    envelopes = dict(call.funders.values_list("organisation", "envelope"))
    zero = Decimal("0")
    funders = Organisation.objects.filter(pk__in=set(envelopes) | set(requested) - {None})
    return [
        CallLedgerRow(
            funder=funder,
            envelope=envelopes.get(funder.pk, zero),
            applications=asking.get(funder.pk, 0),
            requested=requested.get(funder.pk, zero),
            proposed=proposed.get(funder.pk, zero),
            granted=granted.get(funder.pk, zero),
            committed=committed.get(funder.pk, zero),
            paid=paid.get(funder.pk, zero),
        )
        for funder in funders
    ]
