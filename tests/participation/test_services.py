"""One test per rule of `participation.services`."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from quartiers.access.models import Event
from quartiers.participation import draws, services
from quartiers.participation.enums import College, Gender
from quartiers.participation.models import ERASED_NAME, CouncilMember, Volunteer
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory, PartnerFactory
from tests.participation import factories
from tests.utils import frozen_at

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- council


def test_one_council_per_contract_saved_twice_is_updated():
    contract = ContractFactory()
    first = factories.council(contract, name="Conseil citoyen Cœur de Loriol")
    second = services.save_council(contract=contract, by=None, name="Conseil  citoyen du centre")
    assert first.pk == second.pk
    assert second.name == "Conseil citoyen du centre"
    assert list(Event.objects.values_list("verb", flat=True)) == [
        "council_updated",
        "council_created",
    ]


def test_carrying_structure_is_an_organisation_of_the_contract_or_a_name():
    contract = ContractFactory()
    partner = PartnerFactory(contract=contract, organisation=OrganisationFactory())
    council = factories.council(contract, carrying_organisation=partner.organisation)
    assert council.carrying_structure == str(partner.organisation)
    with pytest.raises(ValidationError) as error:
        factories.council(contract, carrying_organisation=OrganisationFactory())
    assert "carrying_organisation" in error.value.message_dict
    with pytest.raises(ValidationError):
        factories.council(
            contract,
            carrying_organisation=partner.organisation,
            carrying_structure_name="Centre social",
        )
    council = factories.council(contract, carrying_structure_name="Centre social Les Tilleuls")
    assert council.carrying_structure == "Centre social Les Tilleuls"


def test_only_the_project_lead_manages_the_council():
    contract = ContractFactory()
    delegate = RoleAssignmentFactory(contract=contract, prefect_delegate=True).user
    with pytest.raises(ValidationError):
        services.save_council(contract=contract, by=delegate, name="Conseil")
    lead = RoleAssignmentFactory(contract=contract).user
    assert services.save_council(contract=contract, by=lead, name="Conseil").pk


def test_an_archived_contract_is_read_only():
    council = factories.council()
    council.contract.archived_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    council.contract.save()
    with pytest.raises(ValidationError, match="archivé"):
        factories.member(council)


# --------------------------------------------------------------------------- members


def test_a_member_records_consent_with_the_text_version():
    with frozen_at(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)):
        member = factories.member(factories.council())
    assert member.consent_given_at == datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
    assert member.consent_version == services.CONSENT_VERSION
    unconsented = factories.member(member.council, email="autre@example.org", consent_given=False)
    assert unconsented.consent_given_at is None


def test_a_term_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as error:
        factories.member(
            factories.council(),
            term_starts_on=datetime.date(2024, 1, 1),
            term_ends_on=datetime.date(2023, 1, 1),
        )
    assert "term_ends_on" in error.value.message_dict


def test_two_members_of_one_council_do_not_share_an_email():
    council = factories.council()
    factories.member(council)
    with pytest.raises(ValidationError) as error:
        factories.member(council, first_name="Paul", email="JEANNE.dupont@example.org")
    assert "email" in error.value.message_dict


def test_update_records_a_missing_consent_once():
    member = factories.member(factories.council(), consent_given=False)
    member = services.update_member(member=member, by=None, consent_given=True, last_name="Durand")
    assert member.last_name == "Durand"
    assert member.consent_given_at is not None
    at = member.consent_given_at
    member = services.update_member(member=member, by=None, consent_given=True)
    assert member.consent_given_at == at


def test_departure_ends_the_term():
    member = factories.member(factories.council(), term_ends_on=datetime.date(2027, 1, 1))
    member = services.record_departure(member=member, by=None, left_on=datetime.date(2025, 6, 1))
    assert member.term_ends_on == datetime.date(2025, 6, 1)
    assert CouncilMember.objects.former().get() == member
    with pytest.raises(ValidationError, match="déjà quitté"):
        services.record_departure(member=member, by=None, left_on=datetime.date(2025, 7, 1))


def test_a_departure_before_the_term_is_refused():
    member = factories.member(factories.council())
    with pytest.raises(ValidationError):
        services.record_departure(member=member, by=None, left_on=datetime.date(2020, 1, 1))


# --------------------------------------------------------------------------- erasure


def test_erasure_blanks_personal_data_in_the_row_history_and_journal():
    council = factories.council()
    account = UserFactory()
    member = factories.member(council, represents="Association des locataires", user=account)
    services.update_member(member=member, by=None, first_name="Jeanne-Marie")
    services.record_departure(member=member, by=None, left_on=datetime.date(2025, 1, 1))
    erased = services.erase_member(member=member, by=None)

    assert erased.pk == member.pk  # the row stays for what the member took part in
    assert erased.display_name == ERASED_NAME
    assert (erased.email, erased.represents, erased.user) == ("", "", None)
    assert erased.erased_at is not None
    assert erased.college == College.RESIDENT
    assert erased.term_starts_on == datetime.date(2024, 1, 15)
    history = list(erased.history.all())
    assert len(history) >= 4
    for row in history:
        assert (row.first_name, row.last_name, row.email, row.represents, row.user_id) == (
            "",
            ERASED_NAME,
            "",
            "",
            None,
        )
    journal = " ".join(Event.objects.values_list("summary", flat=True))
    assert "Dupont" not in journal and "Jeanne" not in journal
    assert Event.objects.filter(verb="council_member_erased", data__member=member.pk).exists()


def test_erasing_a_sitting_member_makes_them_leave_today():
    member = factories.member(factories.council())
    with frozen_at(datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC)):
        erased = services.erase_member(member=member, by=None)
    assert erased.left_on == datetime.date(2026, 5, 4)
    assert erased.term_ends_on == datetime.date(2026, 5, 4)


def test_an_erased_member_is_neither_erased_again_nor_edited():
    member = services.erase_member(member=factories.member(factories.council()), by=None)
    with pytest.raises(ValidationError):
        services.erase_member(member=member, by=None)
    with pytest.raises(ValidationError):
        services.update_member(member=member, by=None, last_name="Nouveau")


def test_erasing_a_drawn_member_erases_their_volunteer_row():
    contract = ContractFactory()
    volunteers = factories.volunteer_list(contract)
    volunteer = volunteers.volunteers.get(display_name="Awa Diallo")
    member = factories.member(factories.council(contract), volunteer=volunteer)
    services.erase_member(member=member, by=None)
    volunteer.refresh_from_db()
    assert (volunteer.display_name, volunteer.email) == ("Volontaire retiré·e", "")
    assert not Volunteer.objects.filter(display_name="Awa Diallo").exists()


def test_only_the_project_lead_erases():
    member = factories.member(factories.council())
    council_role = RoleAssignmentFactory(contract=member.contract, citizen_council=True).user
    with pytest.raises(ValidationError):
        services.erase_member(member=member, by=council_role)
    member.refresh_from_db()
    assert member.erased_at is None


# --------------------------------------------------------------------------- volunteer lists


def test_a_list_records_its_fingerprint_and_rows():
    contract = ContractFactory()
    volunteer_list = factories.volunteer_list(contract)
    pairs = [(v.gender, v.display_name) for v in volunteer_list.volunteers.all()]
    assert volunteer_list.fingerprint == draws.fingerprint(pairs)
    assert volunteer_list.volunteers.count() == 9
    assert Event.objects.get(verb="volunteer_list_recorded").summary.endswith(
        "(5 femme(s), 4 homme(s))"
    )


def test_the_fingerprint_changes_when_the_list_changes():
    contract = ContractFactory()
    first = factories.volunteer_list(contract)
    same = factories.volunteer_list(contract, rows=list(reversed(factories.rows())))
    more = factories.volunteer_list(
        contract, rows=factories.rows(men=[*factories.MEN, "Éric Blanc"])
    )
    assert same.fingerprint == first.fingerprint
    assert more.fingerprint != first.fingerprint


# --------------------------------------------------------------------------- draws


def test_a_draw_records_seed_fingerprint_algorithm_and_parity():
    contract = ContractFactory()
    lead = RoleAssignmentFactory(contract=contract).user
    volunteer_list = factories.volunteer_list(contract)
    draw = services.draw_by_lot(volunteer_list=volunteer_list, seats=4, seed=" AB-12 ", by=lead)
    assert (draw.seed, draw.algorithm, draw.drawn_by) == ("AB-12", draws.ALGORITHM, lead)
    assert draw.list_fingerprint == volunteer_list.fingerprint
    assert (draw.women_on_list, draw.men_on_list) == (5, 4)
    seated = draw.entries.filter(seated=True)
    assert seated.filter(gender=Gender.WOMAN).count() == 2
    assert seated.filter(gender=Gender.MAN).count() == 2
    assert draw.entries.count() == 9  # everyone ranked: the rest is the liste complémentaire
    assert Event.objects.filter(verb="draw_recorded", data__draw=str(draw.uuid)).exists()


def test_a_draw_is_reproducible_from_its_recorded_seed_and_list():
    contract = ContractFactory()
    draw = factories.draw(factories.volunteer_list(contract), seats=4, seed="réunion du 12 avril")
    recorded = sorted(
        (e.gender, e.rank, e.volunteer.display_name) for e in draw.entries.filter(seated=True)
    )
    pairs = [(v.gender, v.display_name) for v in draw.volunteer_list.volunteers.all()]
    again = draws.rank(pairs, seed=draw.seed, seats=draw.seats)
    assert draws.fingerprint(pairs) == draw.list_fingerprint
    assert sorted((r.gender, r.rank, r.name) for r in again if r.seated) == recorded
    # The same list typed again in another order, drawn with the same seed, gives the same.
    other = factories.draw(
        factories.volunteer_list(contract, rows=list(reversed(factories.rows()))),
        seats=4,
        seed="réunion du 12 avril",
    )
    assert other.list_fingerprint == draw.list_fingerprint
    assert (
        sorted(
            (e.gender, e.rank, e.volunteer.display_name) for e in other.entries.filter(seated=True)
        )
        == recorded
    )
    assert services.replay_draw(draw).ok


def test_replay_detects_a_list_changed_after_the_draw():
    draw = factories.draw(factories.volunteer_list(ContractFactory()))
    Volunteer.objects.filter(display_name="Awa Diallo").update(display_name="Awa Diallo-Sy")
    replay = services.replay_draw(draw)
    assert not replay.fingerprint_matches
    assert not replay.ok
    assert "L'empreinte de la liste ne correspond plus à celle du tirage." in replay.problems


def test_replay_detects_a_tampered_result():
    draw = factories.draw(factories.volunteer_list(ContractFactory()))
    draw.entries.filter(gender=Gender.WOMAN, rank=1).update(seated=False)
    draw.entries.filter(gender=Gender.WOMAN, rank=3).update(seated=True)
    replay = services.replay_draw(draw)
    assert replay.fingerprint_matches and not replay.result_matches
    assert not replay.ok


def test_a_list_that_cannot_give_parity_is_refused_and_nothing_is_recorded():
    volunteer_list = factories.volunteer_list(ContractFactory())
    with pytest.raises(ValidationError, match="ne permet pas un tirage paritaire"):
        factories.draw(volunteer_list, seats=10)
    assert not volunteer_list.draws.exists()


def test_an_odd_number_of_seats_is_refused():
    with pytest.raises(ValidationError, match="nombre pair"):
        factories.draw(factories.volunteer_list(ContractFactory()), seats=5)


def test_a_list_with_erased_volunteers_is_not_drawn_again():
    contract = ContractFactory()
    volunteer_list = factories.volunteer_list(contract)
    factories.draw(volunteer_list)
    volunteer = volunteer_list.volunteers.first()
    member = factories.member(factories.council(contract), volunteer=volunteer)
    services.erase_member(member=member, by=None)
    with pytest.raises(ValidationError, match="effacées"):
        factories.draw(volunteer_list)


def test_a_draw_with_an_erased_volunteer_is_verified_for_the_others():
    contract = ContractFactory()
    draw = factories.draw(factories.volunteer_list(contract), seats=4)
    entry = draw.entries.filter(seated=True).select_related("volunteer").first()
    member = factories.member(factories.council(contract), volunteer=entry.volunteer)
    services.erase_member(member=member, by=None)
    entry.refresh_from_db()
    assert entry.key == ""  # the key would confirm a guessed name
    assert (entry.rank, entry.seated) != (None, None)
    replay = services.replay_draw(draw)
    assert (replay.erased, replay.fingerprint_matches, replay.ok) == (1, None, True)
    # A remaining volunteer's seat tampered with is still caught.
    other = draw.entries.exclude(pk=entry.pk).filter(seated=True).first()
    type(other).objects.filter(pk=other.pk).update(seated=False)
    assert not services.replay_draw(draw).ok


def test_only_the_project_lead_draws():
    contract = ContractFactory()
    volunteer_list = factories.volunteer_list(contract)
    delegate = RoleAssignmentFactory(contract=contract, prefect_delegate=True).user
    with pytest.raises(ValidationError):
        services.draw_by_lot(volunteer_list=volunteer_list, seats=2, seed="s", by=delegate)


def test_generated_seeds_are_readable_and_differ():
    seeds = {services.generate_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(s) == 19 and s.count("-") == 3 for s in seeds)


def test_a_volunteer_is_enrolled_once_and_only_on_their_contract():
    contract = ContractFactory()
    volunteer = factories.volunteer_list(contract).volunteers.first()
    council = factories.council(contract)
    factories.member(council, volunteer=volunteer)
    with pytest.raises(ValidationError, match="déjà inscrit"):
        factories.member(council, email="autre@example.org", volunteer=volunteer)
    elsewhere = factories.council(ContractFactory())
    with pytest.raises(ValidationError, match="pas sur une liste de ce contrat"):
        factories.member(elsewhere, volunteer=volunteer)
