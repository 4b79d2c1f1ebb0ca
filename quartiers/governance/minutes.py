"""The minutes (« compte rendu ») and the documents of a meeting: every write goes through here
(docs/architecture.md, Governance).

A meeting's minutes are drafted once it is held, from its agenda, its attendance and the
decisions it took (`draft_text`), edited by the chef de projet (a save prepared on an older
version is refused), then approved at a later held meeting of the same body: approved, they
are frozen and public. Documents are private to the contract's people unless published.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from quartiers.access.services import record_event
from quartiers.core import pdf
from quartiers.core.enums import OrganisationKind
from quartiers.core.uploads import attachment_error, upload_content_type
from quartiers.governance import permissions
from quartiers.governance.enums import MeetingStatus, MinutesStatus, Presence
from quartiers.governance.models import AgendaEntry, Meeting, MeetingDocument, Minutes
from quartiers.governance.permissions import ensure_may_manage

MAX_MINUTES_LENGTH = 100_000

STALE = (
    "Quelqu'un a enregistré ce compte rendu pendant que vous le modifiiez : rechargez la page "
    "pour partir de sa dernière version (votre texte n'a pas été enregistré ; copiez-le avant "
    "de recharger)."
)
FROZEN = "Ce compte rendu est approuvé : il ne peut plus être modifié."
NOT_HELD = (
    "Le compte rendu se rédige une fois la réunion tenue : à partir du jour de la réunion, "
    "ou dès que les présences sont saisies."
)


class StaleMinutes(ValidationError):
    """The minutes changed since the form was shown."""


def is_held(meeting) -> bool:
    """Held, or its day has come (and it is not cancelled): its minutes may be written, and
    it may approve the minutes of an earlier meeting of its body."""
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    return meeting.status == MeetingStatus.HELD or meeting.date <= timezone.localdate()


def _long_date(day) -> str:
    return date_format(day, "l j F Y")


def _attendance_lines(meeting) -> list[str]:
    """« Présents : … » and the like, one line per presence recorded. The conseil citoyen's
    stand-in is not named: its members are residents, and approved minutes are public."""
    groups = {value: [] for value in Presence.values}
    for attendance in meeting.attendances.select_related("partner"):
        if not attendance.presence:
            continue
        name = attendance.partner.name
        if (
            attendance.presence == Presence.REPRESENTED
            and attendance.represented_by
            and attendance.partner.kind != OrganisationKind.CITIZEN_COUNCIL
        ):
            name = f"{name} (par {attendance.represented_by})"
        groups[attendance.presence].append(name)
    labels = {
        Presence.PRESENT: "Institutions présentes",
        Presence.REPRESENTED: "Institutions représentées",
        Presence.EXCUSED: "Institutions excusées",
        Presence.ABSENT: "Institutions absentes",
    }
    return [f"{labels[value]} : {', '.join(names)}." for value, names in groups.items() if names]


def draft_text(meeting, decisions=()) -> str:
    """The draft of a meeting's minutes: its heading (body, date, place), who came, one
    section per agenda entry (its title, then room for what was said) and its decisions.

    `decisions`: objects with `.number`, `.title` and `.text` (the register's decisions of
    this meeting); given or not, the draft is plain text, paragraphs separated by blank lines.
    """
    when = _long_date(meeting.date)
    if meeting.start_time:
        when += f", {meeting.start_time:%H}h{meeting.start_time:%M}"
        if meeting.end_time:
            when += f" – {meeting.end_time:%H}h{meeting.end_time:%M}"
    heading = [
        f"Compte rendu de la réunion du {date_format(meeting.date, 'j F Y')}",
        f"Instance : {meeting.body.name}",
        f"Contrat : {meeting.contract.name}",
        f"Date : {when}",
    ]
    if meeting.place:
        heading.append(f"Lieu : {meeting.place}")
    paragraphs = ["\n".join(heading)]
    attendance = _attendance_lines(meeting)
    if attendance:
        paragraphs.append("\n".join(attendance))
    for number, entry in enumerate(meeting.entries.all(), start=1):
        paragraphs += [f"{number}. {entry.title}", ""]
    decisions = list(decisions)
    if decisions:
        paragraphs.append("Décisions")
        for decision in decisions:
            line = f"{decision.number} — {decision.title}"
            paragraphs.append(f"{line}\n{decision.text}" if decision.text else line)
    return "\n\n".join(paragraphs) + "\n"


def normalise(text: str) -> str:
    """Line ends as `\\n`, no trailing spaces, no blank lines at the ends."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


@transaction.atomic
def start_minutes(*, meeting, by) -> tuple[Minutes, bool]:
    """The meeting's minutes, drafted by `draft_text` the first time (once it is held) with
    the decisions of the register it took: `(minutes, created)`. A second click returns the
    minutes already there, untouched."""
    meeting = (
        Meeting.objects.select_for_update().select_related("body", "contract").get(pk=meeting.pk)
    )
    ensure_may_manage(by, meeting.contract)
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing, False
    if not is_held(meeting):
        raise ValidationError(NOT_HELD)
    decisions = meeting.decisions.order_by("sequence")
    minutes = Minutes(meeting=meeting, text=draft_text(meeting, decisions), written_by=by)
    minutes._history_user = by
    minutes.save()
    record_event(
        verb="minutes_drafted",
        summary=f"Compte rendu en projet : {meeting}",
        contract=meeting.contract,
        actor=by,
    )
    return minutes, True


def _lock(minutes) -> Minutes:
    """The minutes' row, locked: two saves (or a save and the approval) are ordered."""
    return Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)


@transaction.atomic
def save_minutes(*, minutes, text: str, expected_version: int, by) -> bool:
    """Save the text the chef de projet edited from `expected_version`; refused when the
    minutes are approved or someone saved since (`StaleMinutes`). False: nothing changed."""
    current = _lock(minutes)
    ensure_may_manage(by, current.meeting.contract)
    if current.status == MinutesStatus.APPROVED:
        raise ValidationError(FROZEN, code="frozen")
    if current.version != expected_version:
        raise StaleMinutes(STALE, code="stale")
    text = normalise(text)
    if len(text) > MAX_MINUTES_LENGTH:
        raise ValidationError(
            {
                "text": f"Le compte rendu dépasse {MAX_MINUTES_LENGTH:,} caractères.".replace(
                    ",", " "
                )
            }
        )
    if text == current.text:
        return False
    current.text = text
    current.written_by = by
    current.version += 1  # the row is locked: nobody else raises it meanwhile
    current._history_user = by
    current.save()
    minutes.text, minutes.version = current.text, current.version
    record_event(
        verb="minutes_saved",
        summary=f"Compte rendu modifié : {current.meeting}",
        contract=current.meeting.contract,
        actor=by,
    )
    return True


def pending_for(meeting):
    """The minutes awaiting approval of the earlier meetings of `meeting`'s body: what this
    meeting approves (oldest first)."""
    return (
        Minutes.objects.pending()
        .filter(meeting__body_id=meeting.body_id, meeting__date__lt=meeting.date)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("meeting__date", "meeting__start_time")
    )


@transaction.atomic
def approve_minutes(*, minutes, at_meeting, by) -> Minutes:
    """Approve `minutes` at `at_meeting`: a later meeting of the same body, held (or on its
    day). From then on the minutes are frozen and public."""
    current = _lock(minutes)
    earlier = current.meeting
    ensure_may_manage(by, earlier.contract)
    at_meeting = Meeting.objects.select_for_update().get(pk=at_meeting.pk)
    if current.status == MinutesStatus.APPROVED:
        raise ValidationError("Ce compte rendu est déjà approuvé.", code="frozen")
    if at_meeting.body_id != earlier.body_id:
        raise ValidationError("Un compte rendu s'approuve lors d'une réunion de la même instance.")
    if at_meeting.date <= earlier.date:
        raise ValidationError(
            "Un compte rendu s'approuve lors d'une réunion suivante de l'instance."
        )
    if not is_held(at_meeting):
        raise ValidationError(
            f"La réunion du {date_format(at_meeting.date, 'j F Y')} n'est pas encore tenue : le "
            "compte rendu s'y approuvera le jour venu."
        )
    if not current.text.strip():
        raise ValidationError("Ce compte rendu est vide : rédigez-le avant de l'approuver.")
    current.status = MinutesStatus.APPROVED
    current.approved_at = at_meeting.date
    current.approved_by = by
    current.approved_at_meeting = at_meeting
    current.version += 1
    current._history_user = by
    current.save()
    record_event(
        verb="minutes_approved",
        summary=f"Compte rendu de la réunion du {earlier.date:%d/%m/%Y} approuvé lors de la "
        f"réunion du {at_meeting.date:%d/%m/%Y} ({earlier.body.name})",
        contract=earlier.contract,
        actor=by,
    )
    return current


def approval_title(meeting) -> str:
    return f"Approbation du compte rendu de la réunion du {date_format(meeting.date, 'j F Y')}"


def add_approval_entries(*, meeting) -> list[AgendaEntry]:
    """On a newly planned meeting, a point « Approbation du compte rendu de la réunion du … »
    per earlier meeting of its body whose minutes await approval (called by `plan_meeting`)."""
    added = []
    position = max(meeting.entries.values_list("position", flat=True), default=-1) + 1
    for minutes in pending_for(meeting):
        title = approval_title(minutes.meeting)
        if not meeting.entries.filter(title=title).exists():
            added.append(
                AgendaEntry.objects.create(meeting=meeting, title=title, position=position)
            )
            position += 1
    return added


# The PDF of approved minutes.

PDF_TEMPLATE = "governance/minutes_pdf.html"
PDF_STYLESHEET = (pdf.PRINT_STYLESHEET, "governance/minutes_pdf.css")


def minutes_filename(minutes) -> str:
    meeting = minutes.meeting
    return f"compte-rendu-{slugify(meeting.body.code)}-{meeting.date:%Y-%m-%d}.pdf"


def minutes_pdf(minutes) -> bytes:
    """The approved minutes as a PDF (the same content as the public page)."""
    if not minutes.is_approved:
        raise ValidationError("Seul un compte rendu approuvé s'exporte en PDF.")
    return pdf.render_pdf(
        template=PDF_TEMPLATE,
        stylesheet=PDF_STYLESHEET,
        context={
            "minutes": minutes,
            "meeting": minutes.meeting,
            "contract": minutes.meeting.contract,
        },
    )


# Documents.


@transaction.atomic
def add_document(*, meeting, upload, title: str = "", public: bool = False, by) -> MeetingDocument:
    """Attach a checked file (`core.uploads.attachment_error`) to a meeting; private to the
    contract's people unless `public`."""
    meeting = Meeting.objects.select_for_update().select_related("contract").get(pk=meeting.pk)
    ensure_may_manage(by, meeting.contract)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Cette réunion est annulée : elle ne reçoit plus de document.")
    error = attachment_error(upload)
    if error:
        raise ValidationError({"file": error})
    title = " ".join(title.split())[:200] or upload.name[:200]
    document = MeetingDocument(
        meeting=meeting,
        title=title,
        file=upload,
        filename=upload.name[:255],
        content_type=upload_content_type(upload),
        size=upload.size,
        public=public,
        uploaded_by=by,
    )
    document._history_user = by
    document.save()
    record_event(
        verb="meeting_document_added",
        summary=f"Document « {title} » ajouté à la réunion {meeting}"
        + (" (public)" if public else ""),
        contract=meeting.contract,
        actor=by,
    )
    return document


@transaction.atomic
def set_document_public(*, document, public: bool, by) -> bool:
    """Publish a document (readable by the public of a published contract) or withdraw it
    from publication. False: it already was so."""
    document = (
        MeetingDocument.objects.select_for_update().select_related("meeting").get(pk=document.pk)
    )
    meeting = document.meeting
    ensure_may_manage(by, meeting.contract)
    if document.public == public:
        return False
    document.public = public
    document._history_user = by
    document.save(update_fields=["public"])
    record_event(
        verb="meeting_document_published" if public else "meeting_document_unpublished",
        summary=f"Document « {document.title} » "
        + ("publié" if public else "retiré de la publication")
        + f" (réunion {meeting})",
        contract=meeting.contract,
        actor=by,
    )
    return True


@transaction.atomic
def remove_document(*, document, by) -> None:
    """Remove a document and its stored file (once the removal is committed)."""
    meeting = document.meeting
    ensure_may_manage(by, meeting.contract)
    file = document.file
    document._history_user = by
    document.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))
    record_event(
        verb="meeting_document_removed",
        summary=f"Document « {document.title} » retiré de la réunion {meeting}",
        contract=meeting.contract,
        actor=by,
    )


def visible_documents(user, meeting):
    """The documents of `meeting` `user` may download: all of them for the contract's people,
    the public ones for everyone else who may read the meeting."""
    documents = meeting.documents.all()
    if permissions.can_view_meeting_drafts(user, meeting.contract):
        return documents
    return documents.filter(public=True)


def can_read(user, minutes) -> bool:
    """Approved minutes: whoever reads the contract; a draft: its people only."""
    contract = minutes.meeting.contract
    if minutes.is_approved:
        return permissions.can_view_bodies(user, contract)
    return permissions.can_view_meeting_drafts(user, contract)
