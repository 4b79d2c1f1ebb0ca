"""The fonds de participation des habitants: one test per rule of `participation.fund`."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from quartiers.access.enums import ContractRole
from quartiers.core.formats import euros
from quartiers.governance import services as governance
from quartiers.governance.enums import BodyKind, DecisionKind, MeetingStatus
from quartiers.participation import fund as fph
from quartiers.participation.enums import MicroProjectStatus
from quartiers.participation.fund_forms import parse_euros
from quartiers.participation.models import MicroProject
from tests.access.factories import RoleAssignmentFactory
from tests.participation import factories
from tests.participation.factories import PDF, PNG, upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fund():
    return factories.fund()


# --------------------------------------------------------------------------- the fund


def test_a_fund_per_contract_and_year_created_then_updated(fund):
    again = fph.save_fund(contract=fund.contract, by=None, year=fund.year, envelope=Decimal("6000"))
    assert again.pk == fund.pk and again.envelope == Decimal("6000")
    assert again.history.count() == 2


def test_only_the_project_lead_manages_the_fund(fund):
    council = RoleAssignmentFactory(contract=fund.contract, role=ContractRole.CITIZEN_COUNCIL)
    with pytest.raises(ValidationError, match="chef de projet"):
        fph.save_fund(contract=fund.contract, by=council.user, year=2026, envelope=Decimal(1))
    lead = RoleAssignmentFactory(contract=fund.contract, role=ContractRole.PROJECT_LEAD).user
    fph.save_fund(contract=fund.contract, by=lead, year=fund.year, envelope=Decimal(1))


def test_the_envelope_never_drops_below_what_is_committed(fund):
    factories.accepted(fund, amount=Decimal("400"))
    with pytest.raises(ValidationError) as error:
        fph.save_fund(contract=fund.contract, by=None, year=fund.year, envelope=Decimal("300"))
    assert error.value.message_dict["envelope"][0].startswith("400,00\xa0€ sont déjà engagés")


def test_a_share_is_a_percentage():
    with pytest.raises(ValidationError) as error:
        factories.fund(max_share=120)
    assert "max_share" in error.value.message_dict


# --------------------------------------------------------------------------- requests


def test_a_request_waits_for_its_confirmation_and_mails_a_private_link(fund, mailoutbox):
    project, key = factories.requested(fund)
    assert project.status == MicroProjectStatus.UNCONFIRMED
    assert project.access_key_hash != key and len(key) > 30
    (message,) = mailoutbox
    assert message.to == ["samia@example.org"]
    assert f"/fph/suivi/{key}/" in message.body
    assert fph.project_for_key(key) == project
    assert not MicroProject.objects.confirmed().exists()


def test_the_amount_may_not_exceed_the_cap(fund):
    with pytest.raises(ValidationError) as error:
        factories.requested(fund, total_cost=Decimal("2000"), amount_requested=Decimal("761"))
    assert error.value.message_dict["amount_requested"] == [
        "Le fonds accorde au plus 760,00\xa0€ par projet : 761,00\xa0€, c'est trop."
    ]


def test_the_amount_may_not_exceed_the_share_of_the_cost(fund):
    with pytest.raises(ValidationError) as error:
        factories.requested(fund, total_cost=Decimal("500"), amount_requested=Decimal("400.01"))
    assert error.value.message_dict["amount_requested"] == [
        "Le fonds couvre au plus 80 % du coût total, soit 400,00\xa0€ "
        "pour un projet de 500,00\xa0€."
    ]


def test_the_amount_may_not_exceed_what_remains(fund):
    past = factories.fund(contract=fund.contract, year=fund.year - 1, is_open=True)
    with pytest.raises(ValidationError, match="ne reçoit pas de demande"):
        factories.requested(past)
    tight = factories.fund(envelope=Decimal("300"))
    with pytest.raises(ValidationError) as error:
        factories.requested(tight)
    assert error.value.message_dict["amount_requested"] == [
        "L'enveloppe restante (300,00\xa0€) ne permet pas de demander 400,00\xa0€."
    ]


def test_a_closed_fund_takes_no_request(fund):
    fph.save_fund(
        contract=fund.contract, by=None, year=fund.year, envelope=fund.envelope, is_open=False
    )
    with pytest.raises(ValidationError, match="ne reçoit pas de demande"):
        factories.requested(fund)


def test_missing_texts_are_named(fund):
    with pytest.raises(ValidationError) as error:
        factories.requested(fund, title="  ", group_name="")
    assert set(error.value.message_dict) == {"title", "group_name"}


def test_the_same_form_sent_twice_files_one_request(fund, mailoutbox):
    first = fph.request_micro_project(fund=fund, nonce="n-1", **factories.request_values())
    second = fph.request_micro_project(fund=fund, nonce="n-1", **factories.request_values())
    assert second.project == first.project and second.key is None
    assert MicroProject.objects.count() == 1 and len(mailoutbox) == 1


# --------------------------------------------------------------------------- confirmation


def test_the_confirmation_link_is_single_use(fund):
    project, _key = factories.requested(fund)
    assert fph.confirm_micro_project(project=project) is True
    assert fph.confirm_micro_project(project=project) is False
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.SUBMITTED and project.confirmed_at


def test_an_expired_link_confirms_nothing(fund):
    project, _ = factories.requested(fund)
    MicroProject.objects.filter(pk=project.pk).update(
        created_at=timezone.now() - fph.CONFIRMATION_MAX_AGE - datetime.timedelta(minutes=1)
    )
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="Ce lien a expiré"):
        fph.confirm_micro_project(project=project)
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.UNCONFIRMED


@pytest.mark.parametrize("key", ["", "x", "a" * 43, "a" * 5000, "\x00"])
def test_a_wrong_key_finds_nothing(fund, key):
    factories.requested(fund)
    assert fph.project_for_key(key) is None


# --------------------------------------------------------------------------- committee


def test_accepting_commits_the_amount_and_mails_the_group(fund, mailoutbox):
    project = factories.submitted(fund)
    project = fph.decide_micro_project(project=project, by=None, **factories.vote())
    assert project.status == MicroProjectStatus.ACCEPTED
    assert project.amount_granted == Decimal("400")
    use = fph.consumption(fund)
    assert (use.committed, use.paid, use.remaining) == (Decimal(400), Decimal(0), Decimal(4600))
    assert "accepté" in mailoutbox[-1].subject and "400,00\xa0€" in mailoutbox[-1].body


def test_an_unconfirmed_request_is_not_voted(fund):
    project, _ = factories.requested(fund)
    with pytest.raises(ValidationError, match="n'a plus à la voter"):
        fph.decide_micro_project(project=project, by=None, **factories.vote())


def test_acceptance_beyond_the_envelope_is_refused(fund):
    tight = factories.fund(contract=factories.ContractFactory(), envelope=Decimal("700"))
    first = factories.submitted(tight)
    second = factories.submitted(tight, title="Atelier vélo")
    fph.decide_micro_project(project=first, by=None, **factories.vote())
    with pytest.raises(ValidationError) as error:
        fph.decide_micro_project(project=second, by=None, **factories.vote())
    assert error.value.message_dict["amount_granted"] == [
        "L'enveloppe restante (300,00\xa0€) ne permet pas d'accorder 400,00\xa0€."
    ]
    fph.decide_micro_project(
        project=second, by=None, **factories.vote(amount_granted=Decimal("300"))
    )
    assert fph.consumption(tight).remaining == 0


def test_the_committee_grants_at_most_what_was_asked_and_the_rules(fund):
    project = factories.submitted(fund)
    with pytest.raises(ValidationError, match="au plus le montant demandé"):
        fph.decide_micro_project(
            project=project, by=None, **factories.vote(amount_granted=Decimal("401"))
        )


def test_a_refusal_needs_a_reason(fund, mailoutbox):
    project = factories.submitted(fund)
    with pytest.raises(ValidationError) as error:
        fph.decide_micro_project(project=project, by=None, **factories.vote(accepted=False))
    assert "comment" in error.value.message_dict
    project = fph.decide_micro_project(
        project=project,
        by=None,
        **factories.vote(accepted=False, votes_for=1, votes_against=5, comment="Hors quartier."),
    )
    assert project.status == MicroProjectStatus.REFUSED and project.amount_granted is None
    assert "Hors quartier." in mailoutbox[-1].body
    assert fph.consumption(fund).committed == 0


def test_acceptance_needs_a_majority(fund):
    project = factories.submitted(fund)
    with pytest.raises(ValidationError, match="autant de voix contre"):
        fph.decide_micro_project(
            project=project, by=None, **factories.vote(votes_for=2, votes_against=2)
        )


def test_who_records_the_vote(fund):
    project = factories.submitted(fund)
    for role in (ContractRole.OBSERVER, ContractRole.CARRIER, ContractRole.PREFECT_DELEGATE):
        user = RoleAssignmentFactory(contract=fund.contract, role=role).user
        with pytest.raises(ValidationError, match="enregistrent le vote"):
            fph.decide_micro_project(project=project, by=user, **factories.vote())
    member = RoleAssignmentFactory(contract=fund.contract, role=ContractRole.CITIZEN_COUNCIL)
    fph.decide_micro_project(project=project, by=member.user, **factories.vote())


def test_the_vote_may_name_a_meeting_of_the_fph_committee_only(fund):
    project = factories.submitted(fund)
    other = governance.create_body(
        contract=fund.contract, kind=BodyKind.STEERING, name="Copil", by=None
    )
    committee = governance.create_body(
        contract=fund.contract, kind=BodyKind.FPH_COMMITTEE, name="Comité FPH", by=None
    )
    day = TODAY()
    wrong = governance.plan_meeting(body=other, date=day, by=None)
    right = governance.plan_meeting(body=committee, date=day, by=None)
    with pytest.raises(ValidationError, match="pas une réunion du comité FPH"):
        fph.decide_micro_project(project=project, by=None, **factories.vote(meeting=wrong))
    project = fph.decide_micro_project(project=project, by=None, **factories.vote(meeting=right))
    assert project.meeting == right
    assert list(fph.committee_meetings(fund.contract)) == [right]


def _committee_meeting(contract, day=None, **kwargs):
    committee = governance.create_body(
        contract=contract, kind=BodyKind.FPH_COMMITTEE, name="Comité FPH", by=None
    )
    return governance.plan_meeting(body=committee, date=day or TODAY(), by=None, **kwargs)


def test_a_vote_at_a_meeting_is_numbered_in_the_register(fund):
    meeting = _committee_meeting(fund.contract)
    member = RoleAssignmentFactory(contract=fund.contract, role=ContractRole.CITIZEN_COUNCIL)
    accepted = fph.decide_micro_project(
        project=factories.submitted(fund),
        by=member.user,  # a member of the conseil citoyen, who does not manage the bodies
        **factories.vote(meeting=meeting),
    )
    refused = fph.decide_micro_project(
        project=factories.submitted(fund, title="Atelier vélo"),
        by=None,
        **factories.vote(
            accepted=False,
            votes_for=1,
            votes_against=5,
            comment="Mme Secret habite ailleurs.",
            meeting=meeting,
        ),
    )
    year = TODAY().year
    first, second = accepted.register_entry, refused.register_entry
    assert (first.number, second.number) == (f"FPH-{year}-001", f"FPH-{year}-002")
    assert first.kind == DecisionKind.RESIDENTS_FUND and first.meeting == meeting
    assert first.title == f"Fonds de participation des habitants : « {accepted.title} »"
    assert "accorde 400,00\xa0€ sur 400,00\xa0€ demandés, par 5 voix pour, 1 contre" in first.text
    assert first.text.endswith("1 contre et 0 abstention.")
    assert second.text.startswith("Le comité refuse la demande, par 1 voix pour, 5 contre")
    written = " ".join(f"{d.title} {d.text}" for d in (first, second))
    for private in ("Secret", accepted.contact_first_name, accepted.contact_email):
        assert private not in written  # the register is public
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_a_vote_without_meeting_is_not_in_the_register(fund):
    project = fph.decide_micro_project(
        project=factories.submitted(fund), by=None, **factories.vote()
    )
    assert project.register_entry is None and not fund.contract.decisions.exists()


@pytest.mark.parametrize(
    ("cancel", "days_before", "field", "message"),
    [
        (True, 0, "meeting", "Cette réunion est annulée"),
        (False, 3, "decided_on", "datée du jour de la réunion"),
    ],
)
def test_the_vote_s_meeting_is_held_on_its_day(fund, cancel, days_before, field, message):
    meeting = _committee_meeting(fund.contract, day=TODAY() - datetime.timedelta(days_before))
    if cancel:
        governance.cancel_meeting(meeting=meeting, by=None)
    project = factories.submitted(fund)
    with pytest.raises(ValidationError) as error:
        fph.decide_micro_project(project=project, by=None, **factories.vote(meeting=meeting))
    assert message in error.value.message_dict[field][0]
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.SUBMITTED
    assert not fund.contract.decisions.exists()


# --------------------------------------------------------------------------- payment


def test_payment_is_recorded_once_and_at_most_the_grant(fund):
    project = factories.accepted(fund)
    with pytest.raises(ValidationError) as error:
        fph.record_payment(project=project, by=None, paid_on=TODAY(), amount=Decimal("400.01"))
    assert error.value.message_dict["amount"] == [
        "Le montant versé (400,01\xa0€) dépasse le montant accordé (400,00\xa0€)."
    ]
    fph.record_payment(project=project, by=None, paid_on=TODAY(), amount=Decimal("350"))
    with pytest.raises(ValidationError, match="déjà enregistré"):
        fph.record_payment(project=project, by=None, paid_on=TODAY(), amount=Decimal("350"))
    use = fph.consumption(fund)
    # Paid less than granted: the rest goes back to the envelope.
    assert (use.committed, use.paid, use.remaining) == (Decimal(350), Decimal(350), Decimal(4650))


def test_a_submitted_request_is_not_paid(fund):
    project = factories.submitted(fund)
    with pytest.raises(ValidationError, match="acceptée"):
        fph.record_payment(project=project, by=None, paid_on=TODAY(), amount=Decimal(1))


# --------------------------------------------------------------------------- bilan


def _report(project, **kwargs):
    values = {
        "text": "Quarante voisins, un beau soleil.",
        "participants": 40,
        "expenses": Decimal("380"),
        "receipts": [upload()],
        "photos": [upload("fete.png", PNG, "image/png")],
        **kwargs,
    }
    return fph.file_report(project=project, **values)


def test_the_bilan_is_filed_after_payment_and_reads_like_a_receipt(fund):
    project = factories.paid(fund)
    project = _report(project)
    assert project.status == MicroProjectStatus.REPORTED
    assert project.files.count() == 2
    receipt = fph.receipt(project)
    assert (receipt.granted, receipt.paid, receipt.expenses, receipt.unspent) == (
        Decimal(400),
        Decimal(400),
        Decimal(380),
        Decimal(20),
    )
    with pytest.raises(ValidationError, match="déjà déposé"):
        _report(project)


def test_no_bilan_before_payment(fund):
    with pytest.raises(ValidationError, match="une fois l'aide versée"):
        _report(factories.accepted(fund))


@pytest.mark.parametrize(
    "receipts, photos, message",
    [
        ([upload("virus.pdf", b"MZ\x90\x00", "application/pdf")], [], "ne contient pas"),
        ([upload("script.html", b"<script>", "text/html")], [], "format non accepté"),
        ([upload("t.pdf", PDF, "image/png")], [], "format non accepté"),
        ([upload()], [upload("photo.pdf", PDF, "application/pdf")], "une photo est une image"),
        ([upload()], [upload("fake.png", PDF, "image/png")], "ne contient pas"),
        ([], [], "au moins un justificatif"),
        ([upload()] * 11, [], "10 fichiers au plus"),
    ],
)
def test_hostile_files_are_refused_and_nothing_is_kept(fund, receipts, photos, message):
    project = factories.paid(fund)
    with pytest.raises(ValidationError, match=message):
        _report(project, receipts=receipts, photos=photos)
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.PAID and not project.files.exists()


def test_an_oversized_receipt_is_refused(fund, monkeypatch):
    monkeypatch.setattr("quartiers.core.uploads.MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(ValidationError, match="dépasse 10 Mo"):
        _report(factories.paid(fund), receipts=[upload(content=PDF + b"x" * 20)])


# --------------------------------------------------------------------------- retention


def _aged(project, **fields):
    MicroProject.objects.filter(pk=project.pk).update(**fields)


def test_a_request_never_confirmed_is_deleted_after_thirty_days(fund):
    old, old_key = factories.requested(fund, title="Jamais confirmé")
    recent, _ = factories.requested(fund, title="Encore en attente")
    confirmed = factories.submitted(fund, title="Confirmé")
    now = timezone.now()
    _aged(old, created_at=now - fph.UNCONFIRMED_KEPT - datetime.timedelta(minutes=1))
    _aged(recent, created_at=now - fph.UNCONFIRMED_KEPT + datetime.timedelta(hours=1))
    _aged(confirmed, created_at=now - datetime.timedelta(days=400))
    assert fph.purge_personal_data() == fph.Purged(unconfirmed=1, contacts=0)
    assert set(MicroProject.objects.values_list("title", flat=True)) == {
        "Encore en attente",
        "Confirmé",
    }
    assert not MicroProject.history.filter(id=old.pk).exists()  # its contact too
    assert fph.project_for_key(old_key) is None


def test_a_closed_request_s_contact_is_erased_after_the_retention(fund, settings):
    settings.FPH_CONTACT_RETENTION_DAYS = 30
    refused = fph.decide_micro_project(
        project=factories.submitted(fund, title="Refusé"),
        by=None,
        **factories.vote(accepted=False, votes_for=1, votes_against=4, comment="Hors quartier."),
    )
    reported = _report(factories.paid(fund, title="Fête faite"))
    waiting = factories.paid(fund, title="Bilan attendu")
    contacts = {p.pk: (p.contact_first_name, p.contact_email) for p in (refused, reported)}
    assert fph.purge_personal_data(now=timezone.now() + datetime.timedelta(days=29)).contacts == 0

    later = timezone.now() + datetime.timedelta(days=31)
    assert fph.purge_personal_data(now=later) == fph.Purged(unconfirmed=0, contacts=2)
    for project in (refused, reported):
        project.refresh_from_db()
        assert project.contact_erased_on == timezone.localdate(later)
        assert (project.contact_first_name, project.contact_email, project.contact_phone) == (
            "",
            "",
            "",
        )
        first_name, email = contacts[project.pk]
        old_states = MicroProject.history.filter(id=project.pk)
        assert old_states.count() > 1
        assert not old_states.filter(contact_email=email).exists()
        assert not old_states.filter(contact_first_name=first_name).exists()
    assert reported.report_text and reported.amount_paid and refused.votes_against == 4
    waiting.refresh_from_db()
    assert waiting.contact_email and waiting.contact_erased_on is None  # its bilan is due
    event = fund.contract.events.get(verb="micro_project_contacts_erased")
    assert "coordonnées de 2 groupe(s) effacées" in event.summary
    assert fph.purge_personal_data(now=later) == fph.Purged(unconfirmed=0, contacts=0)


def test_the_purge_command_says_what_it_did(fund):
    from io import StringIO

    from django.core.management import call_command

    project, _ = factories.requested(fund)
    _aged(project, created_at=timezone.now() - datetime.timedelta(days=31))
    out = StringIO()
    call_command("purge_fph", stdout=out)
    assert out.getvalue().strip() == (
        "1 demande(s) non confirmée(s) supprimée(s), coordonnées de 0 groupe(s) effacées."
    )


# --------------------------------------------------------------------------- amounts


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_an_amount_written_the_french_way_reads_back(amount):
    assert parse_euros(euros(amount)) == amount
    assert parse_euros(str(amount)) == amount


@given(st.text(max_size=30))
def test_parsing_any_text_gives_an_amount_or_none(text):
    amount = parse_euros(text)
    assert amount is None or (amount >= 0 and amount == amount.quantize(Decimal("0.01")))


@pytest.mark.parametrize("text", ["-5", "1,234", "12.345", "abc", "1e3", "", "123456789"])
def test_what_is_not_an_amount(text):
    assert parse_euros(text) is None


# --------------------------------------------------------------------------- race


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_never_exceed_the_envelope(settings, tmp_path):
    """Two committee members accept two requests at the same moment; together they exceed the
    envelope: exactly one succeeds (the fund's row is locked), whatever the timing."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    tight = factories.fund(envelope=Decimal("700"))
    projects = [factories.submitted(tight, title=f"Projet {i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(project):
        barrier.wait()
        try:
            fph.decide_micro_project(project=project, by=None, **factories.vote())
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "refused"]
    assert fph.consumption(tight).committed == Decimal("400")
    assert MicroProject.objects.filter(status=MicroProjectStatus.ACCEPTED).count() == 1
