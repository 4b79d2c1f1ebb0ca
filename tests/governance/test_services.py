import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from quartiers.access import services as access_services
from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.governance import services
from quartiers.governance.enums import BodyKind, MemberRole
from quartiers.governance.models import Body, Membership
from quartiers.governance.naming import body_code, body_kind
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import UserFactory
from tests.conftest import SEED
from tests.contracts.factories import ContractFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loriol():
    return importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract


@pytest.fixture
def lead(loriol):
    return RoleAssignmentFactory(contract=loriol, role=ContractRole.PROJECT_LEAD).user


def test_the_import_creates_the_bodies_the_protocol_names_and_the_conseil_citoyen(loriol):
    bodies = [(b.name, b.kind, b.code) for b in loriol.bodies.all()]

    assert bodies == [
        ("Comité de pilotage", BodyKind.STEERING, "COPIL"),
        ("Comité technique", BodyKind.TECHNICAL, "COTECH"),
        ("Ateliers thématiques", BodyKind.THEMATIC_WORKSHOP, "ATELIER"),
        ("Conseil citoyen", BodyKind.CITIZEN_COUNCIL, "CC"),
    ]
    assert loriol.bodies.get(code="COPIL").imported_from.name == "Comité de pilotage"


def test_a_second_sync_keeps_bodies_renamed_and_members_added(loriol, lead):
    steering = loriol.bodies.get(code="COPIL")
    steering.name = "COPIL du contrat de ville"
    steering.save()
    services.add_member(
        body=steering, partner=loriol.partners.get(code="CAF"), role="member", voting=True, by=lead
    )

    assert services.sync_bodies(contract=loriol) == []
    assert loriol.bodies.count() == 4
    assert loriol.bodies.get(code="COPIL").memberships.count() == 1


def test_a_body_no_longer_named_by_the_document_is_kept(loriol):
    loriol.governance_bodies.filter(name="Comité technique").delete()

    services.sync_bodies(contract=loriol)

    technical = loriol.bodies.get(code="COTECH")
    assert technical.imported_from is None


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Comité de pilotage", BodyKind.STEERING),
        ("COMITE TECHNIQUE restreint", BodyKind.TECHNICAL),
        ("Ateliers thématiques", BodyKind.THEMATIC_WORKSHOP),
        ("Conseil citoyen « cœur de Loriol »", BodyKind.CITIZEN_COUNCIL),
        ("Comité du fonds de participation des habitants", BodyKind.FPH_COMMITTEE),
        ("Comité de suivi", BodyKind.OTHER),
    ],
)
def test_a_body_s_kind_is_read_from_its_name(name, kind):
    assert body_kind(name) == kind


@given(names=st.lists(st.text(max_size=30), max_size=8))
def test_codes_are_unique_slugs_whatever_the_names(names):
    taken = set()
    for name in names:
        code = body_code(body_kind(name), name, taken)
        assert code not in taken
        assert code.isascii() and code.replace("_", "").isalnum()
        taken.add(code)


def test_the_lead_creates_a_body_and_it_is_journalled(loriol, lead):
    body = services.create_body(
        contract=loriol, kind=BodyKind.OTHER, name="  Comité  de suivi ", by=lead
    )

    assert (body.name, body.code, body.position) == ("Comité de suivi", "CS", 4)
    assert Event.objects.filter(contract=loriol, verb="body_created").exists()
    with pytest.raises(ValidationError, match="déjà une instance"):
        services.create_body(contract=loriol, kind=BodyKind.OTHER, name="comité de suivi", by=lead)


@pytest.mark.parametrize("role", [ContractRole.PREFECT_DELEGATE, ContractRole.OBSERVER, None])
def test_only_the_lead_manages_bodies(loriol, role):
    user = RoleAssignmentFactory(contract=loriol, role=role).user if role else UserFactory()
    with pytest.raises(PermissionDenied):
        services.create_body(contract=loriol, kind=BodyKind.OTHER, name="Groupe", by=user)
    with pytest.raises(PermissionDenied):
        services.add_member(
            body=loriol.bodies.first(),
            partner=loriol.partners.first(),
            role=MemberRole.MEMBER,
            voting=True,
            by=user,
        )


def test_an_archived_contract_s_bodies_are_read_only(loriol, lead):
    access_services.archive_contract(contract=loriol, by=lead)

    with pytest.raises(ValidationError, match="archivé"):
        services.create_body(contract=loriol, kind=BodyKind.OTHER, name="Groupe", by=lead)


def test_a_member_is_a_partner_of_the_same_contract_once(loriol, lead):
    steering = loriol.bodies.get(code="COPIL")
    caf = loriol.partners.get(code="CAF")
    services.add_member(body=steering, partner=caf, role=MemberRole.CHAIR, voting=True, by=lead)

    with pytest.raises(ValidationError, match="siège déjà"):
        services.add_member(
            body=steering, partner=caf, role=MemberRole.MEMBER, voting=False, by=lead
        )
    stranger = PartnerFactory(contract=ContractFactory())
    with pytest.raises(ValidationError, match="pas un partenaire de ce contrat"):
        services.add_member(
            body=steering, partner=stranger, role=MemberRole.MEMBER, voting=True, by=lead
        )


def test_removing_a_member_is_journalled(loriol, lead):
    steering = loriol.bodies.get(code="COPIL")
    membership = services.add_member(
        body=steering, partner=loriol.partners.get(code="CAF"), role="member", voting=True, by=lead
    )

    services.remove_member(membership=membership, by=lead)

    assert not Membership.objects.exists()
    assert Event.objects.filter(verb="body_member_removed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_bodies_of_one_name_created_at_once_make_one():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    lead = RoleAssignmentFactory(contract=contract, role=ContractRole.PROJECT_LEAD).user
    barrier = threading.Barrier(2)
    outcomes = []

    def create():
        barrier.wait()
        try:
            services.create_body(contract=contract, kind="other", name="Revue de projet", by=lead)
            outcomes.append("created")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "refused"]
    assert Body.objects.filter(contract=contract, name="Revue de projet").count() == 1
