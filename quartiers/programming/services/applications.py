"""Applications (CERFA 12156): drafts, renewals, budget, attachments, submission."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.core.formats import euros
from quartiers.core.mail import absolute_url, send_templated_mail
from quartiers.core.uploads import attachment_error, upload_content_type
from quartiers.programming import receipts
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.enums import (
    BudgetSide,
)
from quartiers.programming.models import (
    ACCOUNTS,
    SUBSIDY_ACCOUNT,
    Action,
    Application,
    ApplicationVersion,
    BudgetLine,
    CallForProjects,
    FunderOpinion,
    FundingRequest,
)
from quartiers.programming.services.calls import (
    accepts_new_applications,
    is_open_for_submission,
    shift_year,
)
from quartiers.programming.services.complements import (
    C,
    changed_sections,
    ensure_sections_editable,
)
from quartiers.programming.services.status import (
    CORRECTABLE,
    EDITABLE,
    FUNDED_STATUSES,
    RESTORABLE,
    change_status,
    lock_application,
)

REPORT_DELAY_MONTHS = 6


def report_due_on(application: Application) -> datetime.date | None:
    """A bilan is due six months after the action's end (31 December → 30 June)."""
    if application.ends_on is None:
        return None
    month = application.ends_on.month - 1 + REPORT_DELAY_MONTHS
    year = application.ends_on.year + month // 12
    month = month % 12 + 1
    day = min(application.ends_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def missing_reports(carrier) -> list[Application]:
    """The carrier's funded actions whose bilan is overdue."""
    today = timezone.localdate()
    funded = Application.objects.filter(
        carrier=carrier, status__in=FUNDED_STATUSES, report__isnull=True
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
) -> Application:
    """A new draft on an open call; a renewal keeps the action's identity and copies last
    year's content.

    Only on a call open for submission. Idempotent: the call is locked, and a draft of this
    carrier that this call already holds with the same title (or renewing the same action) is
    returned instead of a duplicate.
    """
    contract_services.ensure_not_archived(call.contract)
    locked = CallForProjects.objects.select_for_update().get(pk=call.pk)  # one at a time
    if not accepts_new_applications(locked):
        raise ValidationError(
            f"L'appel à projets « {locked.title} » est {locked.get_status_display()} : "
            "il n'accepte pas de nouveau dossier."
        )
    if renewal_of is not None:
        if renewal_of.carrier_id != carrier.pk:
            raise ValidationError("On ne peut renouveler que les actions de son organisation.")
        existing = Application.objects.filter(call=call, renewal_of=renewal_of).first()
        if existing is not None and existing.status in EDITABLE:
            return existing
        if existing is not None:
            raise ValidationError(
                f"« {renewal_of.title} » est déjà renouvelée dans cet appel à projets."
            )
        action = renewal_of.action
        values = model_to_dict(
            renewal_of,
            exclude=[
                "id",
                "contract",
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
            starts_on=shift_year(renewal_of.starts_on, 1), ends_on=shift_year(renewal_of.ends_on, 1)
        )
        values["title"] = title or renewal_of.title
    else:
        existing = Application.objects.filter(
            call=call, carrier=carrier, title=title, renewal_of=None, status__in=EDITABLE
        ).first()
        if existing is not None:
            return existing
        action = Action.objects.create(contract=call.contract, carrier=carrier, title=title)
        values = {"title": title}
    application = Application.objects.create(
        contract=call.contract,
        call=call,
        action=action,
        carrier=carrier,
        renewal_of=renewal_of,
        **values,
    )
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
        _sync_funding_requests(application)
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
        about_draft=True,
    )
    return application


def _same_required(call, required):
    if required is None:
        return None
    return call.required_attachments.filter(label=required.label).first()


@transaction.atomic
def save_draft(*, application: Application, qpvs=None, engagements=None, by=None) -> Application:
    """Save the carrier's edits of a draft (the form already validated the fields) and, if
    given, its QPV and engagements; refused once the dossier is submitted (re-read under the
    lock, so a save racing the submission cannot land after the freeze). While a complement
    is requested, only the sections asked may change: a change elsewhere is refused."""
    lock_application(application)
    if application.status in CORRECTABLE:
        ensure_sections_editable(
            application, changed_sections(application, qpvs=qpvs, engagements=engagements)
        )
    else:
        ensure_editable(application)
    application._history_user = by
    application.save()
    if qpvs is not None:
        application.qpvs.set(qpvs)
    if engagements is not None:
        application.engagements.set(engagements)
    return application


@transaction.atomic
def add_attachment(*, application: Application, upload, required=None, by=None):
    """Attach a checked file (type, size and content, see `attachment_error`) to a draft (or
    to a dossier whose complement asks for its attachments)."""
    ensure_sections_editable(lock_application(application), [C.ATTACHMENTS])
    error = attachment_error(upload)
    if error:
        raise ValidationError(error)
    content_type = upload_content_type(upload)
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
    ensure_sections_editable(lock_application(attachment.application), [C.ATTACHMENTS])
    attachment.delete()


def ensure_editable(application: Application) -> None:
    """Refuse a write to a dossier that is no longer a draft (the writing services call it on
    the status re-read by `lock_application`)."""
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
    if line.funder is not None and line.amount <= 0:
        raise ValidationError(
            f"La subvention demandée à {line.funder} est de 0 € : indiquez le montant demandé, "
            "ou retirez ce financeur de la ligne."
        )


@transaction.atomic
def set_budget(*, application: Application, lines: list[BudgetLineData]) -> None:
    """Replace the draft's budget (the balance is checked at submission). While a complement
    asks for the budget, the amounts may change but not the funders asked (their opinions
    are under way)."""
    ensure_sections_editable(lock_application(application), [C.BUDGET])
    for line in lines:
        validate_budget_line(line)
    if application.status in CORRECTABLE:
        asked = set(application.funding_requests.values_list("funder_id", flat=True))
        named = {line.funder.pk for line in lines if line.funder is not None and line.amount > 0}
        if named != asked:
            raise ValidationError(
                "Pendant un complément, les financeurs sollicités restent les mêmes : "
                "modifiez les montants, pas la liste des financeurs."
            )
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
    _sync_funding_requests(application)


def _sync_funding_requests(application: Application) -> None:
    """One funding request per funder named by the draft's 74 lines, for their total."""
    requested: dict[int, Decimal] = {}
    for line in application.budget_lines.filter(account=SUBSIDY_ACCOUNT, funder__isnull=False):
        requested[line.funder_id] = requested.get(line.funder_id, Decimal("0")) + line.amount
    application.funding_requests.exclude(funder__in=requested).delete()
    for funder_id, amount in requested.items():
        FundingRequest.objects.update_or_create(
            application=application, funder_id=funder_id, defaults={"requested": amount}
        )


def budget_errors(application: Application) -> list[str]:
    totals = application.budget_totals()
    errors = []
    if totals[BudgetSide.CHARGE] <= 0:
        errors.append("Le budget de l'action n'a pas de charges.")
    if totals[BudgetSide.CHARGE] != totals[BudgetSide.PRODUCT]:
        errors.append(
            f"Le budget n'est pas équilibré : charges {euros(totals[BudgetSide.CHARGE])}, "
            f"produits {euros(totals[BudgetSide.PRODUCT])}."
        )
    if totals[BudgetSide.CONTRIBUTION_USE] != totals[BudgetSide.CONTRIBUTION_SOURCE]:
        errors.append(
            "Les contributions en nature ne sont pas équilibrées : emplois (86) "
            f"{euros(totals[BudgetSide.CONTRIBUTION_USE])}, ressources (87) "
            f"{euros(totals[BudgetSide.CONTRIBUTION_SOURCE])}."
        )
    return errors


def submission_errors(application: Application, *, correcting: bool = False) -> list[str]:
    """What prevents the submission; `correcting`: a resubmission answering a complement
    request, to which neither the deadline nor a late bilan apply."""
    call = application.call
    errors = []
    if not correcting and not is_open_for_submission(call):
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
    if not application.funding_requests.exists():
        errors.append("Le budget ne sollicite aucun financeur (compte 74).")
    provided = set(application.attachments.values_list("required_id", flat=True))
    for required in call.required_attachments.filter(mandatory=True):
        if required.pk not in provided:
            errors.append(f"Pièce manquante : {required.label}.")
    if not (application.attested and application.signatory_name):
        errors.append("L'attestation sur l'honneur doit être cochée et signée.")
    missing = [] if correcting else missing_reports(application.carrier)
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
def submit_application(*, application: Application, by=None) -> ApplicationVersion:
    """Freeze the draft into a new `ApplicationVersion`. The row is locked first, so a budget,
    form or attachment save racing the submission lands before the freeze (and is in the
    version) or is refused after it."""
    lock_application(application)
    application.refresh_from_db()
    ensure_editable(application)
    errors = submission_errors(application)
    if errors:
        raise ValidationError(errors)
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at", "updated_at"])
    change_status(application=application, to=S.SUBMITTED, by=by)
    number = application.versions.count() + 1
    version = ApplicationVersion.objects.create(
        application=application, number=number, data=snapshot(application), submitted_by=by
    )
    for request in application.funding_requests.all():
        FunderOpinion.objects.get_or_create(request=request)
    record_event(
        verb="application_submitted",
        summary=f"Dossier « {application.title} » déposé (version {number})",
        contract=application.contract,
        actor=by,
    )
    return version


def receipt_recipients(version: ApplicationVersion) -> list[str]:
    """Who receives the accusé de réception: the dossier's contact and the person who filed."""
    emails = {version.application.contact_email.strip().lower()}
    if version.submitted_by is not None:
        emails.add(version.submitted_by.email.strip().lower())
    return sorted(emails - {""})


def send_receipt(*, version: ApplicationVersion) -> list[str]:
    """E-mail the accusé de réception (PDF attached) of `version`; returns the recipients."""
    recipients = receipt_recipients(version)
    if recipients:
        application = version.application
        send_templated_mail(
            template="programming/emails/receipt",
            to=recipients,
            context={
                "application": application,
                "version": version,
                "requested": receipts.requested_by_funder(version),
                "link": absolute_url(application.get_absolute_url()),
            },
            attachments=[
                (
                    receipts.receipt_filename(version),
                    receipts.receipt_pdf(version),
                    "application/pdf",
                )
            ],
        )
    return recipients


@transaction.atomic
def file_application(*, application: Application, by=None) -> ApplicationVersion:
    """What the carrier's « Déposer » does: `submit_application`, then the accusé de
    réception e-mailed (enqueued in the same transaction: a failed filing sends nothing)."""
    version = submit_application(application=application, by=by)
    send_receipt(version=version)
    return version


@transaction.atomic
def withdraw_application(*, application: Application, by=None, comment="") -> None:
    lock_application(application)
    change_status(application=application, to=S.WITHDRAWN, by=by, comment=comment)


@transaction.atomic
def restore_application(*, application: Application, by=None) -> str:
    """Put a withdrawn dossier back, while its call accepts deposits, in the status it was
    withdrawn from (`RESTORABLE`, else a draft); returns that status. Locked first: of two
    restorations at once, the second finds the dossier no longer withdrawn and is refused."""
    lock_application(application)
    if application.status != S.WITHDRAWN:
        raise ValidationError("Ce dossier n'est pas retiré : il n'y a rien à rétablir.")
    call = application.call
    if not is_open_for_submission(call):
        raise ValidationError(
            "Ce dossier ne peut plus être rétabli : l'appel à projets n'accepte plus de dépôt "
            f"(date limite : {timezone.localtime(call.deadline):%d/%m/%Y à %H:%M})."
        )
    withdrawal = application.status_changes.filter(to_status=S.WITHDRAWN).order_by("-at", "-pk")
    previous = withdrawal.values_list("from_status", flat=True).first()
    to = previous if previous in RESTORABLE else S.DRAFT
    change_status(application=application, to=to, by=by, comment="Dossier rétabli")
    record_event(
        verb="application_restored",
        summary=f"Dossier « {application.title} » rétabli ({S(to).label})",
        contract=application.contract,
        actor=by,
    )
    return to


@transaction.atomic
def override_report_block(*, application: Application, reason: str, by) -> None:
    """The chef de projet lifts the missing-bilan block for this application (recorded)."""
    if not reason.strip():
        raise ValidationError("Indiquez le motif de la dérogation.")
    lock_application(application)
    application.report_override = reason.strip()
    application.save(update_fields=["report_override", "updated_at"])
    record_event(
        verb="report_block_overridden",
        summary=f"Dérogation au bilan manquant pour « {application.title} » : {reason}",
        contract=application.contract,
        actor=by,
    )
