"""« Demander un complément »: an instructor or the chef de projet reopens named sections of a
filed dossier; the carrier corrects only those and resubmits (a new frozen version)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.access.enums import ContractRole
from quartiers.access.services import record_event
from quartiers.accounts.models import User
from quartiers.accounts.services import notify
from quartiers.programming import permissions
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import CallStatus, ComplementSection
from quartiers.programming.models import (
    Application,
    ApplicationVersion,
    ComplementRequest,
    FunderOpinion,
)
from quartiers.programming.services.status import (
    COMPLEMENT_ASKABLE,
    CORRECTABLE,
    EDITABLE,
    change_status,
    lock_application,
)

C = ComplementSection

# The fields of the dossier each section reopens (budget and attachments have their pages).
SECTION_FIELDS = {
    C.CONTACT: ("contact_name", "contact_email", "contact_phone"),
    C.ORGANISATION: (
        "approvals",
        "public_utility",
        "volunteers",
        "employees",
        "full_time_equivalents",
    ),
    C.ACTION: (
        "title",
        "objectives",
        "description",
        "pillar_id",
        "theme_id",
        "engagements",
        "places",
        "starts_on",
        "ends_on",
        "means",
        "partners_text",
        "indicators",
        "equality_marker",
        "targets_youth",
        "fights_discrimination",
    ),
    C.PUBLIC: (
        "public_total",
        "public_women",
        "public_men",
        "public_age_bands",
        "public_qpv_residents",
        "qpvs",
    ),
    C.BUDGET: (),
    C.ATTACHMENTS: (),
    C.ATTESTATION: ("signatory_name", "signatory_quality", "attested"),
}
FORM_SECTIONS = frozenset(section for section, fields in SECTION_FIELDS.items() if fields)
FIELD_SECTION = {field: section for section, fields in SECTION_FIELDS.items() for field in fields}


def open_request(application: Application) -> ComplementRequest | None:
    """The complement request the carrier has not answered yet, if any."""
    return application.complement_requests.filter(answered_at__isnull=True).first()


def editable_sections(application: Application) -> frozenset[str]:
    """What the carrier may change now: everything in a draft, the sections asked while a
    complement is requested, nothing otherwise."""
    if application.status in EDITABLE:
        return frozenset(C.values)
    if application.status in CORRECTABLE:
        request = open_request(application)
        return frozenset(request.sections) if request else frozenset()
    return frozenset()


def section_refusal(application: Application, sections) -> str | None:
    """Why the carrier may not write to `sections` now (None: allowed)."""
    allowed = editable_sections(application)
    refused = [section for section in sections if section not in allowed]
    if not refused:
        return None
    if application.status in CORRECTABLE:
        labels = ", ".join(C(section).label for section in sorted(allowed)) or "aucun"
        return f"Un complément est demandé : seuls les points demandés sont modifiables ({labels})."
    return "Ce dossier est déposé : il n'est plus modifiable."


def ensure_sections_editable(application: Application, sections) -> None:
    """Refuse a write outside what `editable_sections` allows (called under the lock)."""
    refusal = section_refusal(application, sections)
    if refusal:
        raise ValidationError(refusal)


def changed_sections(application: Application, *, qpvs=None, engagements=None) -> set[str]:
    """The sections whose stored values `application` (edited in memory) and the given
    many-to-many values would change."""
    stored = Application.objects.get(pk=application.pk)
    changed = {
        FIELD_SECTION[field]
        for field in FIELD_SECTION
        if field not in ("qpvs", "engagements")
        and getattr(stored, field) != getattr(application, field)
    }
    if qpvs is not None and {q.pk for q in qpvs} != set(stored.qpvs.values_list("pk", flat=True)):
        changed.add(C.PUBLIC)
    if engagements is not None and {e.pk for e in engagements} != set(
        stored.engagements.values_list("pk", flat=True)
    ):
        changed.add(C.ACTION)
    return changed


@transaction.atomic
def request_complement(
    *, application: Application, sections, message: str, by
) -> ComplementRequest:
    """Ask the carrier of a filed dossier to correct `sections`; the dossier goes to
    « complément demandé » and its carrier is notified (in-app and by e-mail).

    Only by an instructor of a funder the dossier asks or the chef de projet
    (`permissions.can_request_complement`), on a dossier in instruction, one open request at
    a time: the row is locked and a second request (two clicks, two instructors) is refused.
    """
    lock_application(application)
    if application.status not in COMPLEMENT_ASKABLE:
        if application.status in CORRECTABLE:
            raise ValidationError(
                "Un complément est déjà demandé pour ce dossier : attendez la réponse du porteur."
            )
        raise ValidationError(
            f"Ce dossier est « {application.get_status_display()} » : on ne peut plus lui "
            "demander de complément."
        )
    if by is not None and not permissions.instructs(by, application):
        raise ValidationError("Vous n'instruisez pas ce dossier : vous ne pouvez pas en demander.")
    sections = list(dict.fromkeys(sections))
    if not sections:
        raise ValidationError({"sections": "Choisissez au moins un point à corriger."})
    if any(section not in C.values for section in sections):
        raise ValidationError({"sections": "Point à corriger inconnu."})
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": "Écrivez au porteur ce qu'il doit corriger."})
    try:
        with transaction.atomic():
            request = ComplementRequest.objects.create(
                application=application,
                sections=[C(section).value for section in C if section in sections],
                message=message,
                from_status=application.status,
                asked_by=by,
            )
    except IntegrityError:  # another request committed first (the unique open request)
        raise ValidationError("Un complément est déjà demandé pour ce dossier.") from None
    # the message stays in the thread (read by who instructs and the carrier), not the history
    change_status(application=application, to=S.COMPLEMENT_REQUESTED, by=by)
    record_event(
        verb="complement_requested",
        summary=f"Complément demandé pour « {application.title} » : "
        f"{', '.join(request.section_labels())}",
        contract=application.contract,
        actor=by,
    )
    from quartiers.programming.services.followup import carrier_recipients

    notify(
        users=carrier_users(application),
        text=f"Un complément est demandé pour votre dossier « {application.title} » "
        f"({', '.join(request.section_labels())}).",
        link=application.get_absolute_url(),
        email_template="programming/emails/complement_requested",
        email_to=carrier_recipients(application),
        email_context={"application": application, "request": request},
    )
    return request


def carrier_users(application: Application):
    """The people of the carrier organisation (they hear about their dossier in-app)."""
    return list(application.carrier.members.filter(is_active=True))


def instructor_users(application: Application):
    """The instructors of the funders the dossier asks, on its contract."""
    funders = application.funding_requests.values("funder")
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__contract=application.contract,
            role_assignments__role=ContractRole.FUNDER_INSTRUCTOR,
            role_assignments__organisation__in=funders,
        ).distinct()
    )


def correction_errors(application: Application) -> list[str]:
    """What still prevents the resubmission (the submission's checks, but the deadline and a
    late bilan: the carrier answers a request of the instruction)."""
    from quartiers.programming.services.applications import submission_errors

    return submission_errors(application, correcting=True)


@transaction.atomic
def resubmit_application(
    *, application: Application, answer: str = "", by=None
) -> ApplicationVersion:
    """The carrier's answer: freeze a new version, close the open request and return the
    dossier to instruction (where the request found it); the instructors and the person who
    asked are notified."""
    from quartiers.programming.services.applications import snapshot

    lock_application(application)
    application.refresh_from_db()
    if application.status not in CORRECTABLE:
        raise ValidationError("Aucun complément n'est demandé pour ce dossier.")
    request = ComplementRequest.objects.select_for_update().get(
        application=application, answered_at__isnull=True
    )
    errors = correction_errors(application)
    if errors:
        raise ValidationError(errors)
    number = application.versions.count() + 1
    version = ApplicationVersion.objects.create(
        application=application, number=number, data=snapshot(application), submitted_by=by
    )
    request.answer = (answer or "").strip()
    request.answered_by = by
    request.answered_at = timezone.now()
    request.version = version
    request.save(update_fields=["answer", "answered_by", "answered_at", "version"])
    back = request.from_status
    if back == S.SUBMITTED and application.call.status == CallStatus.CLOSED:
        back = S.UNDER_INSTRUCTION  # the instruction started meanwhile
    change_status(application=application, to=back, by=by)
    for funding_request in application.funding_requests.all():
        FunderOpinion.objects.get_or_create(request=funding_request)
    record_event(
        verb="application_resubmitted",
        summary=f"Dossier « {application.title} » complété (version {number})",
        contract=application.contract,
        actor=by,
    )
    notify(
        users=[*instructor_users(application), request.asked_by],
        text=f"Le porteur a complété le dossier « {application.title} » (version {number}).",
        link=application.get_absolute_url(),
    )
    return version
