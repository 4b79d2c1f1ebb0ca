"""Who sits in the demo contract's bodies (the partners of the Loriol protocol, seated by the
demo's chef de projet: the seats are the demonstration's, not the protocol's), the annual
thematic workshop, three weeks ahead, and two past comités de pilotage with their minutes
(all fictitious)."""

import datetime
from importlib import resources

from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.access.enums import ContractRole
from quartiers.demo.applications import on
from quartiers.demo.clock import frozen_at
from quartiers.governance import minutes
from quartiers.governance import services as governance
from quartiers.governance.enums import MemberRole, Presence

# body code → (partner code, role, voting); codes absent from a protocol are skipped.
SEATS = {
    "COPIL": [
        ("ETAT", MemberRole.CHAIR, True),
        ("CCVD", MemberRole.CHAIR, True),
        ("VILLE", MemberRole.MEMBER, True),
        ("CAF", MemberRole.MEMBER, True),
        ("CD", MemberRole.MEMBER, True),
        ("CR", MemberRole.MEMBER, True),
        ("DAH", MemberRole.MEMBER, True),
        ("PE", MemberRole.MEMBER, True),
        ("CONSEIL CITOYEN", MemberRole.MEMBER, True),
        ("MILO", MemberRole.GUEST, False),
    ],
    "ATELIER": [
        ("VILLE", MemberRole.CHAIR, True),
        ("CCVD", MemberRole.MEMBER, True),
        ("CAF", MemberRole.MEMBER, True),
        ("CONSEIL CITOYEN", MemberRole.MEMBER, True),
        ("DAH", MemberRole.GUEST, False),
    ],
    "COTECH": [
        ("CCVD", MemberRole.CHAIR, True),
        ("ETAT", MemberRole.MEMBER, True),
        ("VILLE", MemberRole.MEMBER, True),
        ("CAF", MemberRole.MEMBER, True),
        ("CD", MemberRole.MEMBER, True),
    ],
}


# A person sitting in her own name (fictitious): her name is for the contract's people only.
QUALIFIED_PERSON = {
    "name": "Odile Démo-Qualifiée (fictive)",
    "quality": "personne qualifiée (fictive)",
    "email": "odile.qualifiee@demo.quartiers.invalid",
    "role": MemberRole.GUEST,
    "voting": False,
}


def _lead(contract, people):
    return next(
        user
        for user in people
        if user.role_assignments.filter(contract=contract, role=ContractRole.PROJECT_LEAD).exists()
    )


def seat_members(contract, people) -> None:
    lead = _lead(contract, people)
    partners = {p.code: p for p in contract.partners.all()}
    for code, seats in SEATS.items():
        body = contract.bodies.filter(code=code).first()
        if body is None:
            continue
        for partner_code, role, voting in seats:
            seated = body.memberships.filter(partner__code=partner_code).exists()
            if partner_code in partners and not seated:  # a second load seats nobody twice
                governance.add_member(
                    body=body, partner=partners[partner_code], role=role, voting=voting, by=lead
                )
    steering = contract.bodies.filter(code="COPIL").first()
    if steering is not None and not steering.persons.exists():
        governance.add_person(body=steering, by=lead, **QUALIFIED_PERSON)


def plan_workshop(contract, people, today: datetime.date) -> None:
    """The protocol's « ateliers thématiques annuels »: one, on health, three weeks ahead."""
    body = contract.bodies.filter(code="ATELIER").first()
    if body is None or body.meetings.exists():
        return
    lead = _lead(contract, people)
    meeting = governance.plan_meeting(
        body=body,
        date=today + datetime.timedelta(days=21),
        start_time=datetime.time(18, 0),
        end_time=datetime.time(20, 0),
        place="Maison des associations, Loriol-sur-Drôme (lieu fictif)",
        by=lead,
    )
    governance.add_agenda_entry(
        meeting=meeting, title="Bilan des actions santé de l'année", by=lead
    )
    for engagement in contract.engagements.filter(theme__name__icontains="santé")[:2]:
        governance.add_agenda_entry(meeting=meeting, title="", engagement=engagement, by=lead)


PLACE = "Mairie de Loriol-sur-Drôme, salle du conseil (lieu fictif)"
# What was said, written by the demo's chef de projet: fictitious, and naming no resident.
SAID = {
    "Bilan de la programmation de l'année": (
        "La cheffe de projet présente le bilan des actions financées (réunion fictive de la "
        "démonstration). Les partenaires relèvent la fréquentation des actions jeunesse."
    ),
    "Calendrier des prochaines instances": (
        "Le prochain comité de pilotage est fixé dans trois mois ; un comité technique le "
        "préparera."
    ),
}


def _hold(meeting, lead, titles, *, excused=()):
    """The comité's meeting of a programming session, dressed and convened two weeks before
    (its date and its dossiers' point are the session's), its attendance recorded."""
    day = meeting.date
    with frozen_at(on(day - datetime.timedelta(days=14), 10)):
        governance.update_meeting(
            meeting=meeting,
            start_time=datetime.time(14, 0),
            end_time=datetime.time(16, 0),
            place=PLACE,
            by=lead,
        )
        for title in titles:
            governance.add_agenda_entry(meeting=meeting, title=title, by=lead)
        governance.convene(meeting=meeting, by=lead)
    with frozen_at(on(day, 17)):
        rows = {
            a.partner_id: (Presence.EXCUSED if a.partner.code in excused else Presence.PRESENT, "")
            for a in meeting.attendances.select_related("partner")
        }
        governance.record_attendance(meeting=meeting, rows=rows, by=lead)
    meeting.refresh_from_db()
    return meeting


def _written(draft: str) -> str:
    """The draft with what was said under each point it names."""
    paragraphs = draft.split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        title = paragraph.split(". ", 1)[-1]
        if title in SAID and index + 1 < len(paragraphs) and not paragraphs[index + 1]:
            paragraphs[index + 1] = SAID[title]
    return "\n\n".join(paragraphs)


def hold_steering_meetings(contract, people, today: datetime.date) -> None:
    """The last two past comités de pilotage, those of the programming's sessions (fictitious
    places and words): the minutes of the first, which list its funding decisions, were
    approved at the second, whose own minutes are a draft awaiting the next one; the second's
    slides are a public document."""
    body = contract.bodies.filter(code="COPIL").first()
    if body is None:
        return
    past = list(body.meetings.filter(date__lt=today, committee_session__isnull=False))
    if len(past) < 2 or past[-1].attendances.exists():  # a second load holds nothing again
        return
    lead = _lead(contract, people)
    first = _hold(past[-2], lead, ["Bilan de la programmation de l'année"], excused=("PE",))
    with frozen_at(on(first.date, 18)):
        written, _ = minutes.start_minutes(meeting=first, by=lead)
        minutes.save_minutes(
            minutes=written, text=_written(written.text), expected_version=0, by=lead
        )
    second = _hold(
        past[-1], lead, [minutes.approval_title(first), "Calendrier des prochaines instances"]
    )
    with frozen_at(on(second.date, 17)):
        minutes.approve_minutes(minutes=written, at_meeting=second, by=lead)
        draft, _ = minutes.start_minutes(meeting=second, by=lead)
        minutes.save_minutes(minutes=draft, text=_written(draft.text), expected_version=0, by=lead)
        data = resources.files("quartiers.demo").joinpath("data", SLIDES).read_bytes()
        minutes.add_document(
            meeting=second,
            upload=SimpleUploadedFile(SLIDES, data, content_type="application/pdf"),
            title="Présentation du comité (document fictif)",
            public=True,
            by=lead,
        )


SLIDES = "copil-presentation-fictive.pdf"
