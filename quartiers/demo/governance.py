"""Who sits in the demo contract's bodies (the partners of the Loriol protocol, seated by the
demo's chef de projet: the seats are the demonstration's, not the protocol's) and the annual
thematic workshop, three weeks ahead (fictitious)."""

import datetime

from quartiers.access.enums import ContractRole
from quartiers.governance import services as governance
from quartiers.governance.enums import MemberRole

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
