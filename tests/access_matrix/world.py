"""The world of the access matrix: two contracts, two funders, every role, built once.

Contract A (the Loriol protocol, unpublished so that only its roles may read it) holds every
object the routes are about; contract B holds the same roles, so that its people try A's
objects from another contract. The CAF and the État both fund A: the « shared » dossier asks
both, the « caf_only » one asks only the CAF, whose instructors alone may see it.
"""

import datetime
from dataclasses import dataclass, field

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.accounts.models import Membership
from quartiers.contracts import services as contract_services
from quartiers.governance import services as governance
from quartiers.protocol_import.enums import ImportJobStatus
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.conftest import SEED
from tests.contracts.factories import ContractFactory
from tests.protocol_import.factories import ImportJobFactory

CONTRACT_ROLES = tuple(ContractRole.values)
# Who acts for which funder on contract A: the CAF instructor is `funder_instructor`.
A_PEOPLE = (*CONTRACT_ROLES, "etat_instructor")
B_PEOPLE = tuple(f"{role}_b" for role in CONTRACT_ROLES)  # the same roles, on contract B only
REVOKED = tuple(f"revoked_{role}" for role in CONTRACT_ROLES)  # granted on A, then revoked
PRIVATE_NOTE = "Note privée de la CAF sur ce dossier"
PEOPLE = ("anonymous", "no_role", "funder_admin", *A_PEOPLE, *B_PEOPLE, *REVOKED, "admin")


@dataclass
class World:
    contract: object
    other_contract: object
    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    from quartiers.protocol_import import services as importer

    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    contract_services.publish_contract(contract=contract, published=False)
    other = ContractFactory(private=True)
    caf = contract.partners.get(code="CAF").organisation
    etat = contract.partners.get(code="ETAT").organisation
    association = OrganisationFactory(association=True, name="Association témoin")
    world = World(contract=contract, other_contract=other)
    # An organisation that takes no part in contract A (nobody may attach people to it there).
    outsider = OrganisationFactory(association=True, name="Association d'ailleurs")
    world.objects.update(caf=caf, etat=etat, association=association, outsider=outsider)
    organisations = {
        ContractRole.CARRIER: association,
        ContractRole.FUNDER_INSTRUCTOR: caf,
    }

    def person(key, admin=False):
        user = UserFactory(
            email=f"{key}@example.org", first_name=key, last_name="Test", admin=admin
        )
        world.people[key] = user
        return user

    world.people["anonymous"] = None
    person("no_role")
    person("admin", admin=True)
    # A funder admin of the CAF: appoints its instructors, holds no role of her own.
    Membership.objects.create(user=person("funder_admin"), organisation=caf, funder_admin=True)
    for role in CONTRACT_ROLES:
        organisation = organisations.get(role)
        for key, on in ((role, contract), (f"{role}_b", other), (f"revoked_{role}", contract)):
            assignment = access.grant_role(
                contract=on, user=person(key), role=role, by=None, organisation=organisation
            )
            if key.startswith("revoked_"):
                access.revoke_role(assignment=assignment, by=None)
    access.grant_role(
        contract=contract,
        user=person("etat_instructor"),
        role=ContractRole.FUNDER_INSTRUCTOR,
        by=None,
        organisation=etat,
    )
    world.objects["assignment"] = contract.role_assignments.get(role=ContractRole.OBSERVER)
    world.objects["warning"] = contract.import_warnings.first()
    steering = contract.bodies.get(code="COPIL")
    world.objects["membership"] = steering.memberships.create(
        partner=contract.partners.get(code="CAF")
    )
    world.objects["body_person"] = governance.add_person(
        body=steering,
        name="Personne Qualifiée",
        email="pq@example.org",
        role="member",
        voting=True,
        by=None,
    )
    world.objects["meeting"] = governance.plan_meeting(
        body=steering, date=datetime.date(2026, 3, 17), place="Mairie de Loriol", by=None
    )
    world.objects["agenda_entry"] = governance.add_agenda_entry(
        meeting=world.meeting, title="Bilan de l'année", by=None
    )
    _minutes(world, steering)
    world.objects["import_job"] = ImportJobFactory(
        created_by=world.people["project_lead"],
        contract=contract,
        status=ImportJobStatus.FAILED,  # applying it writes nothing
        error="Refusé.",
    )
    _programming(world, contract, association, caf, etat)
    _participation(world, contract)
    _residents_fund(world, contract)
    return world


def _minutes(world, steering):
    """Minutes of an earlier meeting approved at `world.meeting`, whose own minutes are a draft
    that the next meeting (past too, so held) may approve; a private and a public document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quartiers.governance import minutes

    earlier = governance.plan_meeting(body=steering, date=datetime.date(2026, 2, 10), by=None)
    approved, _ = minutes.start_minutes(meeting=earlier, by=None)
    world.objects["approved_minutes"] = minutes.approve_minutes(
        minutes=approved, at_meeting=world.meeting, by=None
    )
    world.objects["minutes"], _ = minutes.start_minutes(meeting=world.meeting, by=None)
    world.objects["next_meeting"] = governance.plan_meeting(
        body=steering, date=datetime.date(2026, 4, 14), by=None
    )
    for key, public in (("meeting_document", False), ("public_document", True)):
        upload = SimpleUploadedFile(f"{key}.pdf", b"%PDF-1.4\n", content_type="application/pdf")
        world.objects[key] = minutes.add_document(
            meeting=world.meeting, upload=upload, public=public, by=None
        )


# Personal data of the conseil citoyen: names and e-mails no page may show to those who may
# not read them (`routes.py`, `hidden`).
MEMBER_NAME = "Mireille Témoin-Conseil"
MEMBER_EMAIL = "mireille.temoin@example.org"
VOLUNTEER_NAMES = ("Volontaire Alpha", "Volontaire Bêta", "Volontaire Gamma", "Volontaire Delta")


def _participation(world, contract):
    """A conseil citoyen with one member, a list of four volunteers and a draw of two."""
    from quartiers.participation import services as participation
    from quartiers.participation.volunteers import VolunteerRow

    council = participation.save_council(contract=contract, by=None, name="Conseil citoyen A")
    first, last = MEMBER_NAME.split(" ", 1)
    member = participation.add_member(
        council=council,
        by=None,
        college="resident",
        first_name=first,
        last_name=last,
        email=MEMBER_EMAIL,
        gender="femme",
        term_starts_on=contract.signed_on,
        consent_given=True,
    )
    rows = [
        VolunteerRow(i, name, "femme" if i % 2 else "homme", f"v{i}@example.org")
        for i, name in enumerate(VOLUNTEER_NAMES, start=1)
    ]
    volunteer_list = participation.record_volunteer_list(
        contract=contract, by=None, name="Volontaires A", rows=rows, source="saisie"
    )
    draw = participation.draw_by_lot(volunteer_list=volunteer_list, seats=2, seed="A-1", by=None)
    world.objects.update(council=council, member=member, volunteer_list=volunteer_list, draw=draw)


# A residents' group's contact (FPH): personal data for the committee's pages only.
FPH_CONTACT_NAME = "Prunelle-Témoin-FPH"
FPH_CONTACT_EMAIL = "prunelle.temoin@example.org"


def _residents_fund(world, contract):
    """This year's FPH and a request in each state: unconfirmed (its key), submitted,
    accepted, paid (its key) and reported with a receipt, voted at a committee meeting."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from quartiers.participation import fund as fph

    today = timezone.localdate()
    fund = fph.save_fund(contract=contract, by=None, year=today.year, envelope=Decimal("5000"))

    def filed(title):
        return fph.request_micro_project(
            fund=fund,
            title=title,
            description="Un projet témoin.",
            audience="Les voisins",
            when="au printemps",
            group_name="Groupe témoin",
            contact_first_name=FPH_CONTACT_NAME,
            contact_email=FPH_CONTACT_EMAIL,
            total_cost=Decimal("500"),
            amount_requested=Decimal("300"),
        )

    def vote():
        return {"accepted": True, "votes_for": 3, "votes_against": 0, "decided_on": today}

    unconfirmed = filed("Projet non confirmé")
    states = {}
    for name in ("submitted", "accepted", "paid", "reported"):
        one = filed(f"Projet {name}")
        fph.confirm_micro_project(project=one.project)
        states[name] = (one.project, one.key)
    committee = governance.committee_body(contract=contract, kind="fph_committee")
    voted_at = governance.plan_meeting(body=committee, date=today, by=None)
    for name in ("accepted", "paid", "reported"):
        at = voted_at if name == "reported" else None  # in the register
        fph.decide_micro_project(project=states[name][0], by=None, meeting=at, **vote())
    for name in ("paid", "reported"):
        project = states[name][0]
        project.refresh_from_db()
        fph.record_payment(project=project, by=None, paid_on=today, amount=Decimal("300"))
    reported = fph.file_report(
        project=states["reported"][0],
        text="Bilan témoin.",
        participants=12,
        expenses=Decimal("290"),
        receipts=[SimpleUploadedFile("ticket.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    world.objects.update(
        fund=fund,
        fph_unconfirmed_key=unconfirmed.key,
        fph_submitted=states["submitted"][0],
        fph_accepted=states["accepted"][0],
        fph_paid_key=states["paid"][1],
        fph_reported=reported,
        fph_file=reported.files.get(),
    )


def _programming(world, contract, carrier, caf, etat):
    """Calls in three states and dossiers at several stages of their life."""
    from quartiers.programming import services as programming
    from quartiers.programming.enums import CommitteeKind, DecisionOutcome, PaymentKind
    from tests.programming.factories import (
        AttachmentFactory,
        CallForProjectsFactory,
        CallFunderFactory,
        GridCriterionFactory,
        after_deadline,
        submitted_application,
    )

    lead = world.people["project_lead"]
    # The call in instruction: its dossiers were submitted, then the deadline passed.
    call = CallForProjectsFactory(contract=contract)
    for funder in (caf, etat):
        CallFunderFactory(call=call, organisation=funder)
    GridCriterionFactory(call=call)
    shared = submitted_application(
        call, carrier, funders=[caf, etat], amounts=[5000, 3000], title="Dossier CAF et État"
    )
    caf_only = submitted_application(
        call, carrier, funders=[caf], amounts=[4000], title="Dossier pour la CAF seule"
    )
    paid = submitted_application(call, carrier, funders=[caf], amounts=[8000])
    shared_attachment = AttachmentFactory(application=shared, name="rib-association.pdf")
    caf_only_attachment = AttachmentFactory(application=caf_only)
    after_deadline(call)
    programming.start_instruction(call=call, by=lead)
    # The CAF's opinion on the shared dossier, with a note for the CAF's instructors only.
    opinion = shared.funding_requests.get(funder=caf).opinion
    programming.save_funder_opinion(
        opinion=opinion,
        expected_version=opinion.version,
        by=world.people["funder_instructor"],
        verdict="favourable",
        proposed=5000,
        shared_comment="Avis partagé de la CAF.",
        private_note=PRIVATE_NOTE,
    )
    technical = programming.create_committee_session(
        call=call, kind=CommitteeKind.TECHNICAL, held_on=call.opens_on
    )
    steering = programming.create_committee_session(
        call=call, kind=CommitteeKind.STEERING, held_on=call.opens_on
    )
    paid.refresh_from_db()
    programming.record_technical_opinion(
        session=technical, application=paid, opinion="favourable", by=lead
    )
    programming.record_decision(
        session=steering,
        application=paid,
        funder=caf,
        outcome=DecisionOutcome.GRANTED,
        amount=8000,
        by=lead,
    )
    convention = programming.sign_convention(
        application=paid, funders=[caf], signed_on=call.opens_on, by=lead
    )
    programming.record_payment(
        convention=convention,
        funder=caf,
        kind=PaymentKind.ADVANCE,
        amount=4000,
        paid_on=call.opens_on,
        by=lead,
    )
    # The call of next year, open: a draft and a dossier submitted before its deadline.
    open_call = CallForProjectsFactory(contract=contract, year=call.year + 1)
    CallFunderFactory(call=open_call, organisation=caf)
    draft = programming.start_application(
        call=open_call,
        carrier=carrier,
        title="Brouillon de l'association",
        by=world.people["carrier"],
    )
    draft_attachment = AttachmentFactory(application=draft)
    submitted = submitted_application(open_call, carrier, funders=[caf], amounts=[2000])
    # Filed, then withdrawn before the deadline: its carrier may restore it.
    withdrawn = submitted_application(
        open_call, carrier, funders=[caf], amounts=[1500], title="Dossier retiré"
    )
    programming.withdraw_application(application=withdrawn, by=world.people["carrier"])
    # The call after, still in preparation.
    draft_call = CallForProjectsFactory(contract=contract, year=call.year + 2, draft=True)
    for application in (shared, caf_only, paid, submitted, withdrawn, draft):
        application.refresh_from_db()
    world.objects.update(
        call=call,
        open_call=open_call,
        draft_call=draft_call,
        shared=shared,
        caf_only=caf_only,
        paid=paid,
        submitted=submitted,
        withdrawn=withdrawn,
        draft=draft,
        shared_attachment=shared_attachment,
        caf_only_attachment=caf_only_attachment,
        draft_attachment=draft_attachment,
        technical=technical,
        steering=steering,
        convention=convention,
    )
