"""Business rules of the annual programming. Views, admin, commands and the demo call these."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Sum
from django.forms.models import model_to_dict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quartiers.accounts.services import record_event
from quartiers.programming import letters
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.enums import (
    BudgetSide,
    CallStatus,
    CommitteeKind,
    DecisionOutcome,
    PaymentKind,
)
from quartiers.programming.models import (
    ACCOUNTS,
    SUBSIDY_ACCOUNT,
    Action,
    Application,
    ApplicationVersion,
    BudgetLine,
    CallForProjects,
    CallFunder,
    CommitteeSession,
    Convention,
    CouncilOpinion,
    Decision,
    FinalReport,
    FunderOpinion,
    GridCriterion,
    Payment,
    ReportReminder,
    RequiredAttachment,
    StatusChange,
    TechnicalOpinion,
)

# The one place where allowed status changes are written.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.UNDER_INSTRUCTION, S.DRAFT, S.WITHDRAWN},
    S.UNDER_INSTRUCTION: {S.EXAMINED, S.WITHDRAWN},
    S.EXAMINED: {S.DECIDED, S.WITHDRAWN},
    S.DECIDED: {S.CONVENTION_SIGNED, S.CLOSED},
    S.CONVENTION_SIGNED: {S.PAID},
    S.PAID: {S.REPORT_RECEIVED},
    S.REPORT_RECEIVED: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}
EDITABLE = {S.DRAFT}
REPORT_DELAY_MONTHS = 6
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def change_status(
    *, application: Application, to: str, by=None, comment: str = "", now=None
) -> None:
    """`now` dates the change (the demo replays past years); by default, the present."""
    current = application.status
    if to not in TRANSITIONS[current]:
        raise ValidationError(f"Passage impossible de « {S(current).label} » à « {S(to).label} ».")
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    change = StatusChange.objects.create(
        application=application, from_status=current, to_status=to, by=by, comment=comment
    )
    if now is not None:
        StatusChange.objects.filter(pk=change.pk).update(at=now)


# --------------------------------------------------------------------------- calls


@transaction.atomic
def create_call(
    *, contract, year: int, title: str, opens_on, deadline, by=None, **fields
) -> CallForProjects:
    if CallForProjects.objects.filter(contract=contract, year=year).exists():
        raise ValidationError(f"Un appel à projets {year} existe déjà pour ce contrat.")
    if deadline.date() < opens_on:
        raise ValidationError("La date limite doit suivre l'ouverture.")
    call = CallForProjects.objects.create(
        contract=contract, year=year, title=title, opens_on=opens_on, deadline=deadline, **fields
    )
    record_event(
        verb="call_created", summary=f"Appel à projets {year} créé", contract=contract, actor=by
    )
    return call


def _shift(value, years: int):
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def copy_call_to_next_year(*, call: CallForProjects, by=None) -> CallForProjects:
    """« Ouvrir l'appel de l'an prochain » : same funders, attachments, grid and dates + 1 year."""
    new = create_call(
        contract=call.contract,
        year=call.year + 1,
        title=call.title.replace(str(call.year), str(call.year + 1)),
        description=call.description,
        opens_on=_shift(call.opens_on, 1),
        deadline=_shift(call.deadline, 1),
        technical_committee_on=_shift(call.technical_committee_on, 1),
        steering_committee_on=_shift(call.steering_committee_on, 1),
        min_qpv_share=call.min_qpv_share,
        previous=call,
        by=by,
    )
    new.priorities.set(call.priorities.all())
    new.engagements.set(call.engagements.all())
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
def update_call(*, call: CallForProjects, by=None) -> CallForProjects:
    """Save a call's edited fields (its funders, attachments and grid are saved alongside)."""
    if call.deadline.date() < call.opens_on:
        raise ValidationError("La date limite doit suivre l'ouverture.")
    call.save()
    record_event(verb="call_changed", summary=f"{call} modifié", contract=call.contract, actor=by)
    return call


def open_call(*, call: CallForProjects, by=None) -> None:
    """Open a call in preparation, or reopen a closed one for late applications (logged)."""
    if call.status == CallStatus.OPEN:
        raise ValidationError("Cet appel à projets est déjà ouvert.")
    call.status = CallStatus.OPEN
    call.save(update_fields=["status"])
    record_event(verb="call_opened", summary=f"{call} ouvert", contract=call.contract, actor=by)


def is_open_for_submission(call: CallForProjects, now=None) -> bool:
    now = now or timezone.now()
    return call.status == CallStatus.OPEN and call.opens_on <= now.date() and now <= call.deadline


# --------------------------------------------------------------------------- applications


def report_due_on(application: Application) -> datetime.date | None:
    """A bilan is due six months after the action's end (31 December → 30 June)."""
    if application.ends_on is None:
        return None
    month = application.ends_on.month - 1 + REPORT_DELAY_MONTHS
    year = application.ends_on.year + month // 12
    month = month % 12 + 1
    day = min(application.ends_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def missing_reports(carrier, today=None) -> list[Application]:
    """The carrier's funded actions whose bilan is overdue."""
    today = today or timezone.localdate()
    funded = Application.objects.filter(
        carrier=carrier, status__in=[S.CONVENTION_SIGNED, S.PAID], report__isnull=True
    )
    return [a for a in funded if (due := report_due_on(a)) and due < today]


@transaction.atomic
def start_application(
    *,
    call: CallForProjects,
    carrier,
    title: str,
    by=None,
    renewal_of: Application | None = None,
    now=None,
) -> Application:
    """A new draft; a renewal keeps the action's identity and copies last year's content."""
    if renewal_of is not None:
        if renewal_of.carrier_id != carrier.pk:
            raise ValidationError("On ne peut renouveler que les actions de son organisation.")
        action = renewal_of.action
        values = model_to_dict(
            renewal_of,
            exclude=[
                "id",
                "call",
                "action",
                "carrier",
                "uuid",
                "status",
                "renewal_of",
                "submitted_at",
                "report_override",
                "qpvs",
                "engagements",
                "attested",
            ],
        )
        values["pillar_id"] = values.pop("pillar")
        values["theme_id"] = values.pop("theme")
        values.update(
            starts_on=_shift(renewal_of.starts_on, 1), ends_on=_shift(renewal_of.ends_on, 1)
        )
        values["title"] = title or renewal_of.title
    else:
        action = Action.objects.create(contract=call.contract, carrier=carrier, title=title)
        values = {"title": title}
    application = Application.objects.create(
        call=call, action=action, carrier=carrier, renewal_of=renewal_of, **values
    )
    if now is not None:
        Application.objects.filter(pk=application.pk).update(created_at=now)
    if renewal_of is not None:
        application.qpvs.set(renewal_of.qpvs.all())
        application.engagements.set(renewal_of.engagements.all())
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=application,
                side=line.side,
                account=line.account,
                label=line.label,
                amount=line.amount,
                funder_id=line.funder_id,
            )
            for line in renewal_of.budget_lines.all()
        )
        for attachment in renewal_of.attachments.all():  # reuse last year's documents
            application.attachments.create(
                required=_same_required(call, attachment.required),
                file=attachment.file.name,
                name=attachment.name,
                content_type=attachment.content_type,
                size=attachment.size,
            )
    record_event(
        verb="application_started",
        summary=f"Dossier « {application.title} » commencé par {carrier}",
        contract=call.contract,
        actor=by,
    )
    return application


def _same_required(call, required):
    if required is None:
        return None
    return call.required_attachments.filter(label=required.label).first()


@transaction.atomic
def save_draft(*, application: Application, by=None) -> Application:
    """Save the carrier's edits of a draft (the form already validated the fields)."""
    stored = Application.objects.select_for_update().get(pk=application.pk)
    ensure_editable(stored)
    application._history_user = by
    application.save()
    return application


@transaction.atomic
def add_attachment(*, application: Application, upload, required=None, by=None):
    """Attach a checked file (type, size and content, see `attachment_error`)."""
    ensure_editable(application)
    content_type = (upload.content_type or "").split(";")[0].strip()
    error = attachment_error(name=upload.name, content_type=content_type, size=upload.size)
    if error:
        raise ValidationError(error)
    return application.attachments.create(
        required=required,
        file=upload,
        name=upload.name,
        content_type=content_type,
        size=upload.size,
    )


@transaction.atomic
def remove_attachment(*, attachment, by=None) -> None:
    """Detach a file from a draft; the stored file stays (a renewal may share it)."""
    ensure_editable(attachment.application)
    attachment.delete()


def ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise ValidationError("Ce dossier est déposé : il n'est plus modifiable.")


@dataclass
class BudgetLineData:
    side: str
    account: str
    amount: Decimal
    label: str = ""
    funder: object = None


def validate_budget_line(line: BudgetLineData) -> None:
    if line.account not in ACCOUNTS[line.side]:
        raise ValidationError(f"Le compte {line.account} n'existe pas pour les {line.side}.")
    if line.amount is None or line.amount < 0:
        raise ValidationError("Un montant de budget est positif.")
    if line.funder is not None and line.account != SUBSIDY_ACCOUNT:
        raise ValidationError("Seules les subventions (compte 74) nomment un financeur.")
    if line.account == SUBSIDY_ACCOUNT and line.funder is None and line.amount > 0:
        raise ValidationError("Chaque ligne de subvention (74) nomme le financeur sollicité.")


@transaction.atomic
def set_budget(*, application: Application, lines: list[BudgetLineData]) -> None:
    """Replace the draft's budget (the balance is checked at submission)."""
    ensure_editable(application)
    for line in lines:
        validate_budget_line(line)
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            side=line.side,
            account=line.account,
            label=line.label,
            amount=line.amount,
            funder=line.funder,
        )
        for line in lines
    )


def budget_errors(application: Application) -> list[str]:
    totals = application.budget_totals()
    errors = []
    if totals[BudgetSide.CHARGE] <= 0:
        errors.append("Le budget de l'action n'a pas de charges.")
    if totals[BudgetSide.CHARGE] != totals[BudgetSide.PRODUCT]:
        errors.append(
            f"Le budget n'est pas équilibré : charges {totals[BudgetSide.CHARGE]} € , "
            f"produits {totals[BudgetSide.PRODUCT]} €."
        )
    if totals[BudgetSide.CONTRIBUTION_USE] != totals[BudgetSide.CONTRIBUTION_SOURCE]:
        errors.append(
            "Les contributions en nature ne sont pas équilibrées : emplois (86) "
            f"{totals[BudgetSide.CONTRIBUTION_USE]} €, ressources (87) "
            f"{totals[BudgetSide.CONTRIBUTION_SOURCE]} €."
        )
    return errors


def submission_errors(application: Application, now=None) -> list[str]:
    call = application.call
    errors = []
    if not is_open_for_submission(call, now):
        errors.append(
            f"L'appel à projets n'accepte pas de dépôt (date limite : "
            f"{timezone.localtime(call.deadline):%d/%m/%Y %H:%M})."
        )
    if not application.title or not application.objectives or not application.description:
        errors.append("L'intitulé, les objectifs et la description de l'action sont requis.")
    if application.starts_on is None or application.ends_on is None:
        errors.append("Les dates de début et de fin de l'action sont requises.")
    elif application.ends_on < application.starts_on:
        errors.append("La fin de l'action précède son début.")
    if application.public_women + application.public_men > application.public_total:
        errors.append("Femmes et hommes dépassent le nombre de bénéficiaires.")
    if application.public_qpv_residents > application.public_total:
        errors.append("Les habitants des QPV dépassent le nombre de bénéficiaires.")
    if application.public_total and call.min_qpv_share:
        share = Decimal(application.public_qpv_residents * 100) / application.public_total
        if share < call.min_qpv_share:
            errors.append(
                f"Les habitants des QPV font {share:.0f} % du public ; l'appel en demande au "
                f"moins {call.min_qpv_share:.0f} %."
            )
    errors += budget_errors(application)
    if not application.budget_lines.filter(account=SUBSIDY_ACCOUNT, amount__gt=0).exists():
        errors.append("Le budget ne sollicite aucun financeur (compte 74).")
    provided = set(application.attachments.values_list("required_id", flat=True))
    for required in call.required_attachments.filter(mandatory=True):
        if required.pk not in provided:
            errors.append(f"Pièce manquante : {required.label}.")
    if not (application.attested and application.signatory_name):
        errors.append("L'attestation sur l'honneur doit être cochée et signée.")
    missing = missing_reports(application.carrier, timezone.localdate(now) if now else None)
    if missing and not application.report_override:
        titles = ", ".join(f"« {a.title} »" for a in missing)
        errors.append(
            f"Bilan en retard pour {titles} : déposez-le avant toute nouvelle demande "
            "(ou demandez une dérogation à la cheffe ou au chef de projet)."
        )
    return errors


def snapshot(application: Application) -> dict:
    data = model_to_dict(application, exclude=["qpvs", "engagements"])
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
    data = {k: str(v) if isinstance(v, Decimal) else v for k, v in data.items()}
    data["qpvs"] = list(application.qpvs.values_list("name", flat=True))
    data["engagements"] = list(application.engagements.values_list("number", flat=True))
    data["budget"] = [
        {
            "side": line.side,
            "account": line.account,
            "label": line.label,
            "amount": str(line.amount),
            "funder": str(line.funder) if line.funder_id else None,
        }
        for line in application.budget_lines.select_related("funder")
    ]
    data["attachments"] = list(application.attachments.values_list("name", flat=True))
    return data


@transaction.atomic
def submit_application(*, application: Application, by=None, now=None) -> ApplicationVersion:
    application = Application.objects.select_for_update().get(pk=application.pk)
    ensure_editable(application)
    errors = submission_errors(application, now)
    if errors:
        raise ValidationError(errors)
    application.submitted_at = now or timezone.now()
    application.save(update_fields=["submitted_at", "updated_at"])
    change_status(application=application, to=S.SUBMITTED, by=by, now=now)
    number = application.versions.count() + 1
    version = ApplicationVersion.objects.create(
        application=application, number=number, data=snapshot(application), submitted_by=by
    )
    if now is not None:
        ApplicationVersion.objects.filter(pk=version.pk).update(submitted_at=now)
    for funder in funders_asked(application):
        FunderOpinion.objects.get_or_create(application=application, funder=funder)
    record_event(
        verb="application_submitted",
        summary=f"Dossier « {application.title} » déposé (version {number})",
        contract=application.call.contract,
        actor=by,
    )
    return version


def funders_asked(application: Application):
    from quartiers.accounts.models import Organisation

    return Organisation.objects.filter(
        pk__in=application.budget_lines.filter(account=SUBSIDY_ACCOUNT, amount__gt=0).values(
            "funder"
        )
    )


@transaction.atomic
def withdraw_application(*, application: Application, by=None, comment="", now=None) -> None:
    change_status(application=application, to=S.WITHDRAWN, by=by, comment=comment, now=now)


@transaction.atomic
def override_report_block(*, application: Application, reason: str, by) -> None:
    """The chef de projet lifts the missing-bilan block for this application (recorded)."""
    if not reason.strip():
        raise ValidationError("Indiquez le motif de la dérogation.")
    application.report_override = reason.strip()
    application.save(update_fields=["report_override", "updated_at"])
    record_event(
        verb="report_block_overridden",
        summary=f"Dérogation au bilan manquant pour « {application.title} » : {reason}",
        contract=application.call.contract,
        actor=by,
    )


def attachment_error(*, name: str, content_type: str, size: int) -> str | None:
    if size > MAX_ATTACHMENT_BYTES:
        return f"« {name} » dépasse 10 Mo."
    expected = ALLOWED_ATTACHMENT_TYPES.get(content_type)
    if expected is None or not name.lower().endswith(
        (expected, ".jpeg") if expected == ".jpg" else (expected,)
    ):
        return f"« {name} » : format non accepté (PDF, image, document bureautique)."
    return None


# --------------------------------------------------------------------------- instruction


@transaction.atomic
def start_instruction(*, call: CallForProjects, by=None, now=None) -> int:
    """After the deadline: every submitted application goes to instruction."""
    if (now or timezone.now()) <= call.deadline:
        raise ValidationError(
            "L'instruction commence après la date limite de dépôt "
            f"({timezone.localtime(call.deadline):%d/%m/%Y %H:%M})."
        )
    applications = list(call.applications.filter(status=S.SUBMITTED))
    for application in applications:
        change_status(application=application, to=S.UNDER_INSTRUCTION, by=by, now=now)
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status"])
    return len(applications)


class StaleOpinion(ValidationError):
    pass


# Statuses in which the committees may act on an application.
EXAMINABLE = {S.UNDER_INSTRUCTION, S.EXAMINED}
DECIDABLE = {S.EXAMINED, S.DECIDED}
COUNCIL_OPINION_STATUSES = {S.SUBMITTED, S.UNDER_INSTRUCTION, S.EXAMINED}


@transaction.atomic
def give_council_opinion(*, application: Application, opinion: str, comment: str = "", by):
    """The conseil citoyen's opinion, before the comité de pilotage decides (replaceable)."""
    if application.status not in COUNCIL_OPINION_STATUSES:
        raise ValidationError("Le conseil citoyen donne son avis avant la décision.")
    record, _ = CouncilOpinion.objects.update_or_create(
        application=application, defaults={"opinion": opinion, "comment": comment, "by": by}
    )
    record_event(
        verb="council_opinion_given",
        summary=f"Avis du conseil citoyen sur « {application.title} » : "
        f"{record.get_opinion_display()}",
        contract=application.call.contract,
        actor=by,
    )
    return record


@transaction.atomic
def create_committee_session(
    *, call: CallForProjects, kind: str, held_on, by=None
) -> CommitteeSession:
    if kind not in CommitteeKind.values:
        raise ValidationError("Instance inconnue.")
    session = CommitteeSession.objects.create(call=call, kind=kind, held_on=held_on)
    record_event(
        verb="committee_session_created",
        summary=f"Séance « {session} » de l'appel {call.year} créée",
        contract=call.contract,
        actor=by,
    )
    return session


@transaction.atomic
def save_funder_opinion(
    *, opinion: FunderOpinion, expected_version: int, by, verdict: str | None = None, **values
) -> FunderOpinion:
    """Optimistic locking: the write only happens if nobody saved since `expected_version`.

    `values` are FunderOpinion fields; the `opinion` field itself (favourable, reserved,
    unfavourable or "") is passed as `verdict`, since `opinion` names the instance.
    """
    if verdict is not None:
        values["opinion"] = verdict
    if opinion.application.status not in {S.UNDER_INSTRUCTION, S.SUBMITTED}:
        raise ValidationError("Ce dossier n'est plus en instruction.")
    criteria = {str(c.pk): c for c in opinion.application.call.criteria.all()}
    for key, score in (values.get("scores") or {}).items():
        if key not in criteria or not 0 <= int(score) <= criteria[key].max_score:
            raise ValidationError("Note de grille hors barème.")
    updated = FunderOpinion.objects.filter(pk=opinion.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not updated:
        raise StaleOpinion(
            "Un autre instructeur a modifié cet avis entre-temps : rechargez la page, vos "
            "saisies n'ont pas été enregistrées."
        )
    opinion.refresh_from_db()
    # `update()` sends no signal: record the history row django-simple-history would have.
    FunderOpinion.history.bulk_history_create([opinion], update=True, default_user=by)
    return opinion


def grid_score(opinion: FunderOpinion, criteria=None) -> Decimal | None:
    """Weighted score out of 100 (pass the call's `criteria` to save a query per opinion)."""
    if criteria is None:
        criteria = opinion.application.call.criteria.all()
    criteria = list(criteria)
    if not criteria or not opinion.scores:
        return None
    total = sum(c.weight * c.max_score for c in criteria)
    got = sum(c.weight * int(opinion.scores.get(str(c.pk), 0)) for c in criteria)
    return (Decimal(100) * got / total).quantize(Decimal("0.1")) if total else None


@transaction.atomic
def record_technical_opinion(
    *,
    session: CommitteeSession,
    application: Application,
    opinion: str,
    comment="",
    by=None,
    now=None,
) -> TechnicalOpinion:
    if session.kind != CommitteeKind.TECHNICAL:
        raise ValidationError("Les avis sont rendus en comité technique.")
    _ensure_same_call(session, application)
    if application.status not in EXAMINABLE:
        raise ValidationError("Le comité technique examine les dossiers en instruction.")
    record, _ = TechnicalOpinion.objects.update_or_create(
        session=session,
        application=application,
        defaults={"opinion": opinion, "comment": comment},
    )
    if application.status == S.UNDER_INSTRUCTION:
        change_status(application=application, to=S.EXAMINED, by=by, now=now)
    return record


@transaction.atomic
def record_decision(
    *,
    session: CommitteeSession,
    application: Application,
    funder,
    outcome: str,
    amount: Decimal = Decimal("0"),
    motivation: str = "",
    by=None,
    now=None,
) -> Decision:
    if session.kind != CommitteeKind.STEERING:
        raise ValidationError("Les décisions sont prises en comité de pilotage.")
    _ensure_same_call(session, application)
    if application.status not in DECIDABLE:
        raise ValidationError("Le dossier doit avoir été examiné en comité technique.")
    if outcome == DecisionOutcome.GRANTED and (amount is None or amount <= 0):
        raise ValidationError("Une subvention accordée a un montant.")
    if outcome != DecisionOutcome.GRANTED:
        amount = Decimal("0")
    if not funders_asked(application).filter(pk=funder.pk).exists():
        raise ValidationError(f"{funder} n'est pas sollicité par ce dossier.")
    decision, _ = Decision.objects.update_or_create(
        application=application,
        funder=funder,
        defaults={
            "session": session,
            "outcome": outcome,
            "amount": amount,
            "motivation": motivation,
        },
    )
    if application.status == S.EXAMINED and _all_funders_decided(application):
        change_status(application=application, to=S.DECIDED, by=by, now=now)
    record_event(
        verb="decision_recorded",
        summary=f"« {application.title} » — {funder} : {decision.get_outcome_display()}"
        + (f" {amount} €" if outcome == DecisionOutcome.GRANTED else ""),
        contract=application.call.contract,
        actor=by,
    )
    return decision


def _ensure_same_call(session: CommitteeSession, application: Application) -> None:
    if session.call_id != application.call_id:
        raise ValidationError("Ce dossier ne relève pas de l'appel de cette séance.")


def _all_funders_decided(application: Application) -> bool:
    asked = set(funders_asked(application).values_list("pk", flat=True))
    decided = set(application.decisions.values_list("funder_id", flat=True))
    return asked <= decided


def granted_total(application: Application, funder=None) -> Decimal:
    decisions = application.decisions.filter(outcome=DecisionOutcome.GRANTED)
    if funder is not None:
        decisions = decisions.filter(funder=funder)
    return decisions.aggregate(total=Sum("amount"))["total"] or Decimal("0")


# --------------------------------------------------------------------------- after decision


# Statuses reached once the comité de pilotage has decided for every funder asked.
DECIDED_STATUSES = {S.DECIDED, S.CONVENTION_SIGNED, S.PAID, S.REPORT_RECEIVED, S.CLOSED}
FUNDED_STATUSES = {S.CONVENTION_SIGNED, S.PAID}  # a bilan is expected
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


def _send_templated_mail(*, template: str, to: list[str], context: dict, attachments=()) -> None:
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"programming/emails/{template}_subject.txt", context)
    body = render_to_string(f"programming/emails/{template}_body.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=to)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


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
    _send_templated_mail(
        template="decision",
        to=recipients,
        context={
            "application": application,
            "decisions": decisions,
            "granted": sum(
                (d.amount for d in decisions if d.outcome == DecisionOutcome.GRANTED),
                Decimal("0"),
            ),
            "link": _absolute(application.get_absolute_url()),
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
    *, application: Application, funders: list, signed_on, years: int = 1, by=None, now=None
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
        change_status(application=application, to=S.CONVENTION_SIGNED, by=by, now=now)
    record_event(
        verb="convention_signed",
        summary=f"Convention signée pour « {application.title} » : {amount} € "
        f"({', '.join(str(f) for f in funders)}" + (f", {years} ans" if years > 1 else "") + ")",
        contract=application.call.contract,
        actor=by,
    )
    return convention


@transaction.atomic
def record_payment(
    *, convention: Convention, funder, kind: str, amount: Decimal, paid_on, by=None, now=None
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
            f"Paiement refusé : {already + amount} € dépasserait les {granted} € accordés."
        )
    payment = Payment.objects.create(
        convention=convention, funder=funder, kind=kind, amount=amount, paid_on=paid_on
    )
    if application.status == S.CONVENTION_SIGNED:
        change_status(application=application, to=S.PAID, by=by, now=now)
    record_event(
        verb="payment_recorded",
        summary=f"« {application.title} » — {funder} : {payment.get_kind_display()} de "
        f"{amount} € payé le {paid_on:%d/%m/%Y}",
        contract=application.call.contract,
        actor=by,
    )
    return payment


@transaction.atomic
def submit_report(*, application: Application, by=None, now=None, **values) -> FinalReport:
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
    if now is not None:
        FinalReport.objects.filter(pk=report.pk).update(received_at=now)
        report.refresh_from_db(fields=["received_at"])
    if application.status == S.CONVENTION_SIGNED:
        change_status(
            application=application, to=S.PAID, by=by, comment="bilan avant solde", now=now
        )
    change_status(application=application, to=S.REPORT_RECEIVED, by=by, now=now)
    record_event(
        verb="report_received",
        summary=f"Bilan reçu pour « {application.title} »",
        contract=application.call.contract,
        actor=by,
    )
    return report


def reports_to_remind(*, contract=None, now=None) -> list[Application]:
    """Funded actions without bilan, due within `REMINDER_NOTICE_DAYS` or overdue, that were
    not reminded in the last `REMINDER_INTERVAL_DAYS` days."""
    now = now or timezone.now()
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
def send_report_reminder(*, application: Application, now=None) -> ReportReminder:
    """E-mail the carrier that a bilan is due (or overdue); recorded in `ReportReminder`."""
    recipients = carrier_recipients(application)
    if not recipients:
        raise ValidationError(f"« {application.title} » : personne à qui écrire.")
    today = timezone.localdate(now)
    due = report_due_on(application)
    _send_templated_mail(
        template="report_reminder",
        to=recipients,
        context={
            "application": application,
            "due_on": due,
            "overdue": due < today,
            "link": _absolute(
                reverse("programming:report-create", kwargs={"uuid": application.uuid})
            ),
        },
    )
    reminder = ReportReminder.objects.create(application=application)
    if now is not None:
        ReportReminder.objects.filter(pk=reminder.pk).update(sent_at=now)
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
