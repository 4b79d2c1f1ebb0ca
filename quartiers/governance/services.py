"""Bodies and their members: every write of the governance goes through here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from quartiers.access.enums import ContractRole
from quartiers.access.services import record_event
from quartiers.core.enums import OrganisationKind
from quartiers.core.mail import absolute_url, send_templated_mail
from quartiers.governance import minutes as minutes_services
from quartiers.governance.calendar import calendar
from quartiers.governance.enums import BodyKind, MeetingStatus, Presence
from quartiers.governance.models import (
    AgendaEntry,
    Attendance,
    Body,
    BodyPerson,
    Convocation,
    Meeting,
    Membership,
)
from quartiers.governance.naming import COMMITTEE_NAMES, body_code, body_kind
from quartiers.governance.permissions import ensure_may_manage


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


@transaction.atomic
def create_body(*, contract, kind: str, name: str, by) -> Body:
    ensure_may_manage(by, contract)
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
    ensure_may_manage(by, body.contract)
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
    ensure_may_manage(by, body.contract)
    membership.delete()
    record_event(
        verb="body_member_removed",
        summary=f"{membership.partner.name} ne siège plus dans {body.name}",
        contract=body.contract,
        actor=by,
    )


@transaction.atomic
def add_person(*, body, name: str, email: str = "", quality: str = "", role: str, voting: bool, by):
    """A person sitting in `body` in their own name; convened by e-mail when an address is
    given (`convene`)."""
    ensure_may_manage(by, body.contract)
    name, email = " ".join(name.split()), email.strip().lower()
    if not name:
        raise ValidationError({"name": "Donnez le nom de la personne."})
    persons = BodyPerson.objects.select_for_update().filter(body=body)
    if persons.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{name} siège déjà dans {body.name}."})
    if email and persons.filter(email=email).exists():
        raise ValidationError({"email": "Cette adresse est déjà celle d'un membre de l'instance."})
    person = BodyPerson.objects.create(
        body=body, name=name, email=email, quality=quality.strip(), role=role, voting=voting
    )
    # The journal names no one: the person's data leaves with them (`remove_person`).
    record_event(
        verb="body_person_added",
        summary=f"Une personne siège dans {body.name} ({person.get_role_display()})",
        contract=body.contract,
        actor=by,
    )
    return person


@transaction.atomic
def remove_person(*, person, by) -> None:
    """The person no longer sits: their row, name and address are deleted (no history)."""
    body = person.body
    ensure_may_manage(by, body.contract)
    person.delete()
    record_event(
        verb="body_person_removed",
        summary=f"Une personne ne siège plus dans {body.name}",
        contract=body.contract,
        actor=by,
    )


def _check_meeting(meeting, by):
    ensure_may_manage(by, meeting.contract)
    if Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.CANCELLED).exists():
        raise ValidationError("Cette réunion est annulée : elle ne peut plus être modifiée.")


def _check_times(start_time, end_time):
    if end_time is not None and (start_time is None or end_time <= start_time):
        raise ValidationError({"end_time": "L'heure de fin doit suivre l'heure de début."})


@transaction.atomic
def plan_meeting(
    *, body, date, start_time=None, end_time=None, place="", video_url="", by
) -> Meeting:
    """A meeting of `body`, past (to record it) or to come."""
    ensure_may_manage(by, body.contract)
    _check_times(start_time, end_time)
    meeting = Meeting.objects.create(
        contract=body.contract,
        body=body,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place.strip(),
        video_url=video_url.strip(),
        created_by=by,
    )
    minutes_services.add_approval_entries(meeting=meeting)
    record_event(
        verb="meeting_planned",
        summary=f"Réunion programmée : {meeting}",
        contract=body.contract,
        actor=by,
    )
    return meeting


@transaction.atomic
def update_meeting(*, meeting, by, **changes) -> bool:
    """Change when or where; the invitation's revision is raised so calendars replace it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting, by)
    fields = ("date", "start_time", "end_time", "place", "video_url")
    values = {name: changes.get(name, getattr(meeting, name)) for name in fields}
    values["place"], values["video_url"] = values["place"].strip(), values["video_url"].strip()
    _check_times(values["start_time"], values["end_time"])
    changed = [name for name in fields if getattr(meeting, name) != values[name]]
    if not changed:
        return False
    for name in changed:
        setattr(meeting, name, values[name])
    meeting.sequence += 1
    meeting.save()
    record_event(
        verb="meeting_changed",
        summary=f"Réunion modifiée : {meeting}",
        contract=meeting.contract,
        actor=by,
    )
    return True


@transaction.atomic
def cancel_meeting(*, meeting, by) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting, by)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save()
    record_event(
        verb="meeting_cancelled",
        summary=f"Réunion annulée : {meeting}",
        contract=meeting.contract,
        actor=by,
    )


@transaction.atomic
def add_agenda_entry(*, meeting, title: str, engagement=None, by) -> AgendaEntry:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting, by)
    if engagement is not None and engagement.contract_id != meeting.contract_id:
        raise ValidationError(
            {"engagement": "Cet engagement n'est pas un engagement de ce contrat."}
        )
    if not " ".join(title.split()) and engagement is not None:
        title = f"Engagement n° {engagement.number} : {' '.join(engagement.text.split())}"
    title = " ".join(title.split())[:300]
    if not title:
        raise ValidationError({"title": "Donnez l'intitulé du point ou choisissez un engagement."})
    return append_agenda_point(meeting=meeting, title=title, engagement=engagement)


def append_agenda_point(*, meeting, title: str, engagement=None) -> AgendaEntry:
    """The point at the end of the agenda (rights checked by the caller: the chef de projet
    here, the programming when a session of its dossiers is held at the meeting)."""
    position = max(meeting.entries.values_list("position", flat=True), default=-1) + 1
    return AgendaEntry.objects.create(
        meeting=meeting, title=title[:300], engagement=engagement, position=position
    )


@transaction.atomic
def remove_agenda_entry(*, entry, by) -> None:
    _check_meeting(entry.meeting, by)
    entry.delete()


# The law (loi n° 2014-173, art. 7): the conseil citoyen takes part in every steering body.
COUNCIL_MISSING = (
    "Aucun représentant du conseil citoyen ne siège dans cette instance : la loi du 21 février "
    "2014 (art. 7) prévoit qu'il participe à toutes les instances de pilotage du contrat. "
    "Ajoutez le conseil citoyen aux membres avant de convoquer."
)


def council_missing(meeting) -> bool:
    """A steering meeting with no conseil citoyen among the institutions convened (or, before
    the convocation, among the body's members)."""
    if meeting.body.kind != BodyKind.STEERING:
        return False
    convened = meeting.attendances.values("partner")
    sitting = convened if convened.exists() else meeting.body.memberships.values("partner")
    return not meeting.contract.partners.filter(
        pk__in=sitting, kind=OrganisationKind.CITIZEN_COUNCIL
    ).exists()


def convocation_recipients(meeting):
    """Who the convocation is e-mailed to: the people holding a role on the contract who
    belong to an institution of the body (accounts' memberships), and the conseil citoyen's
    members when it sits there. Ordered by e-mail; each gets their own e-mail."""
    partners = meeting.contract.partners.filter(memberships__body=meeting.body)
    organisations = partners.exclude(organisation=None).values("organisation")
    on_contract = get_user_model().objects.filter(
        is_active=True, role_assignments__contract=meeting.contract
    )
    people = on_contract.filter(membership__organisation__in=organisations)
    if partners.filter(kind=OrganisationKind.CITIZEN_COUNCIL).exists():
        people = people | on_contract.filter(role_assignments__role=ContractRole.CITIZEN_COUNCIL)
    return people.distinct().order_by("email")


def recipient_addresses(meeting) -> list[str]:
    """The addresses the convocation goes to, once each: the people of
    `convocation_recipients`, and the persons sitting in their own name who gave one."""
    people = [person.email for person in convocation_recipients(meeting)]
    persons = meeting.body.persons.exclude(email="").values_list("email", flat=True)
    return sorted({*people, *persons})


@transaction.atomic
def convene(*, meeting, by) -> Convocation:
    """E-mail the convocation, with the meeting's invitation (.ics), to every recipient; the
    body's institutions are recorded as convened. Sent again after a change, it carries the
    new revision, which calendars apply over the first."""

    meeting = (
        Meeting.objects.select_for_update().select_related("body", "contract").get(pk=meeting.pk)
    )
    _check_meeting(meeting, by)
    memberships = list(meeting.body.memberships.select_related("partner"))
    persons = list(meeting.body.persons.all())
    if not memberships and not persons:
        raise ValidationError(
            "Aucune institution ne siège dans cette instance : ajoutez ses membres avant de "
            "convoquer."
        )
    last = meeting.convocations.order_by("-sent_at", "-pk").first()
    convened = set(meeting.attendances.values_list("partner_id", flat=True))
    newcomers = [m for m in memberships if m.partner_id not in convened]
    new_persons = [p for p in persons if last is None or p.added_at > last.sent_at]
    if last is not None and last.sequence == meeting.sequence and not (newcomers or new_persons):
        # A second click, or two people at once (the lock above orders them): nothing has
        # changed since the convocation left, so nobody gets it twice.
        raise ValidationError(
            "La convocation de cette version de la réunion est déjà partie : modifiez la "
            "réunion ou ajoutez des membres pour convoquer à nouveau."
        )
    now = timezone.now()
    bulk_create_with_history(
        [Attendance(meeting=meeting, partner=m.partner, convened_at=now) for m in newcomers],
        Attendance,
    )
    recipients = recipient_addresses(meeting)
    invitation = calendar([meeting], name=str(meeting), base_url=absolute_url(""))
    for address in recipients:
        send_templated_mail(
            template="governance/emails/convocation",
            to=[address],
            context={
                "meeting": meeting,
                "entries": list(meeting.entries.all()),
                "url": absolute_url(meeting.get_absolute_url()),
                "again": meeting.convocations.exists(),
            },
            attachments=[("invitation.ics", invitation, "text/calendar")],
        )
    convocation = Convocation.objects.create(
        meeting=meeting, sent_by=by, sequence=meeting.sequence, recipients=len(recipients)
    )
    record_event(
        verb="meeting_convened",
        summary=f"Convocation envoyée : {meeting} ({len(recipients)} destinataire(s))",
        contract=meeting.contract,
        actor=by,
    )
    return convocation


@transaction.atomic
def record_attendance(*, meeting, rows: dict, by) -> int:
    """`rows`: partner pk → (presence, represented_by), for the institutions convened. Only
    once the meeting's day has come; « représenté·e » names who stood in."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting, by)
    if meeting.date > timezone.localdate():
        raise ValidationError("Les présences se saisissent le jour de la réunion ou après.")
    attendances = {a.partner_id: a for a in meeting.attendances.select_for_update()}
    errors, changed = {}, []
    for partner_id, (presence, represented_by) in rows.items():
        attendance = attendances.get(partner_id)
        if attendance is None:
            errors[str(partner_id)] = "Cette institution n'a pas été convoquée à cette réunion."
            continue
        represented_by = " ".join((represented_by or "").split())
        if presence and presence not in Presence.values:
            errors[str(partner_id)] = "Présence inconnue."
        elif presence == Presence.REPRESENTED and not represented_by:
            errors[str(partner_id)] = "Dites qui représentait l'institution."
        elif (attendance.presence, attendance.represented_by) != (presence, represented_by):
            attendance.presence = presence
            attendance.represented_by = represented_by if presence == Presence.REPRESENTED else ""
            changed.append(attendance)
    if errors:
        raise ValidationError(errors)
    for attendance in changed:
        attendance.save()
    if changed:
        mark_held(meeting, by=by)
        record_event(
            verb="attendance_recorded",
            summary=f"Présences enregistrées : {meeting}",
            contract=meeting.contract,
            actor=by,
        )
    return len(changed)


def mark_held(meeting, *, by) -> None:
    """The meeting took place: its attendance is recorded, or its comité ruled on dossiers
    there (`programming`); « tenue » from then on (a cancelled one stays cancelled)."""
    current = Meeting.objects.get(pk=meeting.pk)
    if current.status == MeetingStatus.PLANNED:
        current.status = MeetingStatus.HELD
        current._history_user = by
        current.save(update_fields=["status"])
    meeting.status = current.status


def committee_body(*, contract, kind: str) -> Body:
    """The contract's comité de pilotage, comité technique or FPH committee (`kind`),
    created if it has none: the programming's sessions and the FPH's votes are meetings of
    it. The caller holds its own rights (`programming.permissions.can_hold_sessions`) and a
    lock on what it decides."""
    body = Body.objects.filter(contract=contract, kind=kind).order_by("position", "pk").first()
    if body is not None:
        return body
    bodies = Body.objects.select_for_update().filter(contract=contract)
    taken = set(bodies.values_list("code", flat=True))
    name = COMMITTEE_NAMES[kind]
    return Body.objects.create(
        contract=contract,
        kind=kind,
        name=name,
        code=body_code(kind, name, taken),
        position=max(bodies.values_list("position", flat=True), default=-1) + 1,
    )
