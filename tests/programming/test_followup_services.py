"""Business rules after the decision: notification, conventions, payments, bilans, ledgers."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template import Context, Template

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.programming import letters, services
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import DecisionOutcome, PaymentKind
from quartiers.programming.models import Convention, Decision, DecisionLetter, FinalReport
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    submitted_application,
)
from tests.programming.followup_helpers import (
    TODAY,
    decide,
    decided_application,
    funded_application,
    report_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def caf():
    return OrganisationFactory(funder=True)


@pytest.fixture
def etat():
    return OrganisationFactory(state=True)


@pytest.fixture
def carrier():
    return OrganisationFactory(association=True)


# --------------------------------------------------------------------------- notification


def test_notify_decision_mails_the_contact_and_members_with_the_letter(caf, etat, carrier):
    MembershipFactory(organisation=carrier, user__email="tresoriere@example.org")
    application = decided_application(
        carrier=carrier,
        funders=[caf, etat],
        amounts=[3000, 7000],
        outcomes={etat: DecisionOutcome.REFUSED},
    )

    recipients = services.notify_decision(application=application, by=None)

    assert recipients == ["camille.martin@example.org", "tresoriere@example.org"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == recipients
    assert "décision du comité de pilotage" in message.subject
    assert application.title in message.subject
    assert "accordé, 3\u00a0000,00 €" in message.body
    assert "refusé" in message.body
    assert application.get_absolute_url() in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert filename.startswith("decision-") and filename.endswith(".pdf")
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    event = Event.objects.get(verb="decision_notified")
    assert event.contract == application.call.contract


def test_notify_decision_needs_a_decision(caf, carrier):
    application = submitted_application(CallForProjectsFactory(), carrier=carrier, funders=[caf])
    with pytest.raises(ValidationError, match="pas encore décidé"):
        services.notify_decision(application=application, by=None)
    assert not mail.outbox


def test_decision_letter_is_a_pdf_naming_each_funder(caf, etat, carrier, tmp_path):
    application = decided_application(
        carrier=carrier,
        funders=[caf, etat],
        amounts=[3000, 7000],
        outcomes={etat: DecisionOutcome.REFUSED},
    )
    pdf = letters.decision_letter_pdf(application, decisions=services.decisions_of(application))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(text.split())
    assert application.title in text
    assert f"{caf.name} (CAF) Accordé 3 000,00 €" in text
    assert "Préfecture de la Drôme Refusé" in text


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


def test_the_sent_letter_has_its_reference_its_signatory_and_the_appeal(caf, carrier, tmp_path):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    contract = application.contract
    lead = RoleAssignmentFactory(
        contract=contract, role=ContractRole.PROJECT_LEAD, user__first_name="Inès"
    ).user

    services.notify_decision(application=application, by=lead)

    letter = DecisionLetter.objects.get(application=application)
    year = application.call.year
    assert letter.reference == f"{contract.slug}-{year}-0001"
    assert letter.signatory_name == lead.get_full_name()
    assert letter.signatory_quality == (
        f"Chef·fe de projet politique de la ville, pour le comité de pilotage du {contract.name}"
    )
    message = mail.outbox[0]
    text = _pdf_text(message.attachments[0][1], tmp_path)
    for words in (
        f"Référence : {letter.reference}",
        letter.signatory_quality,
        lead.get_full_name(),
        "recours gracieux auprès de son auteur",
        "tribunal administratif compétent, dans un délai de deux mois à compter de sa "
        "notification (article R. 421-1 du code de justice administrative)",
        "Télérecours citoyens",
    ):
        assert " ".join(words.split()) in text
    assert str(application.uuid) not in text
    assert letter.reference in message.body
    assert lead.get_full_name() in message.body
    assert letters.APPEAL in message.body
    assert Event.objects.get(verb="decision_notified").data["letter"] == letter.reference
    # The downloaded letter is the one that was sent.
    decisions = services.decisions_of(application)
    assert f"Référence : {letter.reference}" in _pdf_text(
        letters.decision_letter_pdf(application, decisions=decisions), tmp_path
    )


def test_the_reference_is_stable_and_unique_per_letter(caf, carrier):
    call = CallForProjectsFactory()
    submitted = [
        submitted_application(call, carrier=carrier, funders=[caf], amounts=[amount])
        for amount in (3000, 1000)
    ]
    first, second = (decide(application) for application in submitted)
    lead = RoleAssignmentFactory(contract=call.contract, role=ContractRole.PROJECT_LEAD).user
    services.notify_decision(application=first, by=lead)
    services.notify_decision(application=second, by=None)
    services.notify_decision(application=first, by=None)  # sent again: the same letter
    letters_sent = {
        letter.application_id: letter for letter in DecisionLetter.objects.order_by("sequence")
    }
    assert len(letters_sent) == 2
    year = first.call.year
    assert letters_sent[first.pk].reference == f"{first.contract.slug}-{year}-0001"
    assert letters_sent[second.pk].reference == f"{first.contract.slug}-{year}-0002"
    assert letters_sent[first.pk].signatory_name == lead.get_full_name()  # kept from the first
    assert len(mail.outbox) == 3


def test_without_a_steering_person_the_committee_signs_and_no_one_is_named(caf, carrier):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    services.notify_decision(application=application, by=None)
    letter = DecisionLetter.objects.get(application=application)
    contract = application.contract
    assert (letter.signatory_name, letter.signatory_quality) == (
        "",
        f"Le comité de pilotage du {contract.name}",
    )


def test_a_letter_not_sent_yet_says_it_is_a_draft(caf, carrier, tmp_path):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    content = letters.decision_letter_pdf(application, decisions=services.decisions_of(application))
    text = _pdf_text(content, tmp_path)
    assert "Projet de lettre, pas encore envoyé" in text
    assert "Télérecours citoyens" in text
    assert not DecisionLetter.objects.exists()


# --------------------------------------------------------------------------- conventions


def test_convention_only_after_the_decision(caf, carrier):
    application = submitted_application(CallForProjectsFactory(), carrier=carrier, funders=[caf])
    with pytest.raises(ValidationError, match="suit une décision"):
        services.sign_convention(application=application, funders=[caf], signed_on=TODAY)


def test_convention_amount_is_what_the_funders_granted(caf, etat, carrier):
    application = decided_application(carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    services.record_decision(
        session=Decision.objects.get(request__application=application, request__funder=caf).session,
        application=application,
        funder=caf,
        outcome=DecisionOutcome.GRANTED,
        amount=Decimal("2500"),
    )
    convention = services.sign_convention(
        application=application, funders=[caf, etat], signed_on=TODAY, years=3
    )
    assert convention.amount == Decimal("9500")  # 2 500 granted by the CAF + 7 000 by the État
    assert {request.funder for request in convention.requests.all()} == {caf, etat}
    application.refresh_from_db()
    assert application.status == S.CONVENTION_SIGNED
    assert application.status_changes.last().to_status == S.CONVENTION_SIGNED
    assert Event.objects.filter(verb="convention_signed").exists()


def test_convention_lasts_four_years_at_most(caf, carrier):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    with pytest.raises(ValidationError, match="4 ans"):
        services.sign_convention(application=application, funders=[caf], signed_on=TODAY, years=5)
    services.sign_convention(application=application, funders=[caf], signed_on=TODAY, years=4)


def test_convention_only_with_funders_that_granted_money(caf, etat, carrier):
    application = decided_application(
        carrier=carrier,
        funders=[caf, etat],
        amounts=[3000, 7000],
        outcomes={etat: DecisionOutcome.REFUSED},
    )
    with pytest.raises(ValidationError, match="n'a rien accordé"):
        services.sign_convention(application=application, funders=[caf, etat], signed_on=TODAY)
    with pytest.raises(ValidationError, match="au moins un financeur"):
        services.sign_convention(application=application, funders=[], signed_on=TODAY)


def test_a_funder_signs_one_convention_per_application(caf, etat, carrier):
    """One convention per funder (or one multi-funder): the same grant is never committed twice."""
    application = decided_application(carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    services.sign_convention(application=application, funders=[caf], signed_on=TODAY)
    with pytest.raises(ValidationError, match="déjà signé"):
        services.sign_convention(application=application, funders=[caf, etat], signed_on=TODAY)
    services.sign_convention(application=application, funders=[etat], signed_on=TODAY)
    assert Convention.objects.filter(application=application).count() == 2


# --------------------------------------------------------------------------- payments


def test_payments_never_exceed_what_a_funder_granted(caf, etat, carrier):
    application = decided_application(carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    convention = services.sign_convention(
        application=application, funders=[caf, etat], signed_on=TODAY
    )
    services.record_payment(
        convention=convention,
        funder=caf,
        kind=PaymentKind.ADVANCE,
        amount=Decimal("2000"),
        paid_on=TODAY,
    )
    with pytest.raises(ValidationError) as refused:
        services.record_payment(
            convention=convention,
            funder=caf,
            kind=PaymentKind.BALANCE,
            amount=Decimal("1000.01"),
            paid_on=TODAY,
        )
    assert "il reste 1\u00a0000,00\u00a0€ à verser" in refused.value.messages[0]
    # The État's 7 000 € are not the CAF's: per funder.
    with pytest.raises(ValidationError):
        services.record_payment(
            convention=convention,
            funder=etat,
            kind=PaymentKind.SINGLE,
            amount=Decimal("7500"),
            paid_on=TODAY,
        )
    services.record_payment(
        convention=convention,
        funder=caf,
        kind=PaymentKind.BALANCE,
        amount=Decimal("1000"),
        paid_on=TODAY,
    )
    assert services.ledger(application)[0].paid == Decimal("3000")


def test_first_payment_makes_the_application_paid(caf, carrier):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    convention = services.sign_convention(application=application, funders=[caf], signed_on=TODAY)
    services.record_payment(
        convention=convention,
        funder=caf,
        kind=PaymentKind.ADVANCE,
        amount=Decimal("1500"),
        paid_on=TODAY,
    )
    application.refresh_from_db()
    assert application.status == S.PAID
    assert Event.objects.filter(verb="payment_recorded").count() == 1


def test_a_dossier_reads_advance_paid_until_every_balance_is_paid(caf, etat, carrier):
    application = decided_application(carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    convention = services.sign_convention(
        application=application, funders=[caf, etat], signed_on=TODAY
    )
    badge = Template("{% include 'programming/applications/_status_badge.html' %}")

    def pay(funder, kind, amount):
        services.record_payment(
            convention=convention, funder=funder, kind=kind, amount=Decimal(amount), paid_on=TODAY
        )
        application.refresh_from_db()
        return application.get_status_display()

    assert pay(caf, PaymentKind.ADVANCE, "2000") == "acompte versé"
    assert pay(caf, PaymentKind.BALANCE, "1000") == "acompte versé"  # the État has paid nothing
    assert "Acompte versé" in badge.render(Context({"application": application}))
    assert pay(etat, PaymentKind.SINGLE, "7000") == "soldé"
    assert "Soldé" in badge.render(Context({"application": application}))
    assert application.status == S.PAID


def test_a_refused_funder_leaves_nothing_to_pay(caf, etat, carrier):
    application = decided_application(
        carrier=carrier,
        funders=[caf, etat],
        amounts=[3000, 7000],
        outcomes={etat: DecisionOutcome.REFUSED},
    )
    convention = services.sign_convention(application=application, funders=[caf], signed_on=TODAY)
    services.record_payment(
        convention=convention,
        funder=caf,
        kind=PaymentKind.SINGLE,
        amount=Decimal("3000"),
        paid_on=TODAY,
    )
    application.refresh_from_db()
    assert application.get_status_display() == "soldé"


def test_other_statuses_keep_their_label(caf, carrier):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    assert application.get_status_display() == S.DECIDED.label
    assert S.PAID.label == "en paiement"  # counts by status: neither « payé » nor « soldé »


def test_payment_only_by_a_party_to_the_convention_with_a_positive_amount(caf, etat, carrier):
    application = decided_application(carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    convention = services.sign_convention(application=application, funders=[caf], signed_on=TODAY)
    with pytest.raises(ValidationError, match="n'est pas partie"):
        services.record_payment(
            convention=convention, funder=etat, kind="single", amount=Decimal(1), paid_on=TODAY
        )
    with pytest.raises(ValidationError, match="positif"):
        services.record_payment(
            convention=convention, funder=caf, kind="single", amount=Decimal(0), paid_on=TODAY
        )


# --------------------------------------------------------------------------- bilans


def test_bilan_only_once_the_action_is_funded(caf, carrier):
    application = decided_application(carrier=carrier, funders=[caf], amounts=[3000])
    with pytest.raises(ValidationError, match="une fois l'action financée"):
        services.submit_report(application=application, **report_values())


def test_bilan_makes_the_application_report_received(caf, carrier):
    application = funded_application(carrier=carrier, funders=[caf], amounts=[3000])
    report = services.submit_report(application=application, **report_values())
    application.refresh_from_db()
    assert application.status == S.REPORT_RECEIVED
    assert report.participants_by_qpv == {"Cœur de ville": 30}
    assert Event.objects.filter(verb="report_received").exists()
    with pytest.raises(ValidationError):  # once
        services.submit_report(application=application, **report_values())


def test_bilan_before_any_payment_goes_through_paid(caf, carrier):
    application = funded_application(carrier=carrier, funders=[caf], amounts=[3000], paid=False)
    services.submit_report(application=application, **report_values())
    application.refresh_from_db()
    assert application.status == S.REPORT_RECEIVED
    assert [c.to_status for c in application.status_changes.all()][-2:] == [
        S.PAID,
        S.REPORT_RECEIVED,
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"participants_women": 30, "participants_men": 11}, "Femmes et hommes"),
        ({"participants_by_qpv": {"Cœur de ville": 41}}, "habitants des QPV"),
        ({"participants_age_bands": {"6-11": 20, "65+": 21}}, "tranches d'âge"),
        ({"participants_age_bands": {"6-11": -1}}, "positifs"),
    ],
)
def test_bilan_participants_are_consistent(caf, carrier, overrides, message):
    application = funded_application(carrier=carrier, funders=[caf], amounts=[3000])
    with pytest.raises(ValidationError, match=message):
        services.submit_report(application=application, **report_values(**overrides))
    assert not FinalReport.objects.exists()


@pytest.mark.parametrize(
    ("ends_on", "due_on"),
    [
        (datetime.date(2021, 12, 31), datetime.date(2022, 6, 30)),
        (datetime.date(2021, 8, 31), datetime.date(2022, 2, 28)),
        (datetime.date(2023, 8, 31), datetime.date(2024, 2, 29)),
        (datetime.date(2021, 3, 15), datetime.date(2021, 9, 15)),
        (datetime.date(2021, 7, 1), datetime.date(2022, 1, 1)),
    ],
)
def test_report_due_six_months_after_the_end_of_the_action(ends_on, due_on):
    assert services.report_due_on(ApplicationFactory.build(ends_on=ends_on)) == due_on


def test_report_due_on_needs_an_end():
    assert services.report_due_on(ApplicationFactory.build(ends_on=None)) is None


def test_missing_bilan_blocks_the_next_submission_until_the_override(caf, carrier):
    funded = funded_application(carrier=carrier, funders=[caf], amounts=[3000])
    funded.ends_on = TODAY - datetime.timedelta(days=365)  # bilan due six months ago
    funded.save(update_fields=["ends_on"])
    assert services.missing_reports(carrier) == [funded]

    call = CallForProjectsFactory(contract=funded.call.contract, year=funded.call.year + 1)
    draft = ApplicationFactory(call=call, carrier=carrier, complete=True, funders=[caf])
    with pytest.raises(ValidationError, match="Bilan en retard"):
        services.submit_application(application=draft)

    services.override_report_block(application=draft, reason="Bilan promis pour mai.", by=None)
    event = Event.objects.get(verb="report_block_overridden")
    assert "Bilan promis pour mai." in event.summary
    assert event.contract == call.contract
    services.submit_application(application=draft)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_override_needs_a_reason(caf, carrier):
    draft = ApplicationFactory(carrier=carrier)
    with pytest.raises(ValidationError, match="motif"):
        services.override_report_block(application=draft, reason="  ", by=None)


# --------------------------------------------------------------------------- ledgers


def test_ledger_follows_the_money_per_funder(caf, etat, carrier, django_assert_max_num_queries):
    application = decided_application(carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    services.record_decision(
        session=Decision.objects.get(
            request__application=application, request__funder=etat
        ).session,
        application=application,
        funder=etat,
        outcome=DecisionOutcome.GRANTED,
        amount=Decimal("6000"),
    )
    convention = services.sign_convention(application=application, funders=[etat], signed_on=TODAY)
    services.record_payment(
        convention=convention, funder=etat, kind="advance", amount=Decimal(4000), paid_on=TODAY
    )
    with django_assert_max_num_queries(6):
        rows = {row.funder: row for row in services.ledger(application)}
    assert (rows[caf].requested, rows[caf].granted, rows[caf].committed, rows[caf].paid) == (
        3000,
        3000,
        0,
        0,
    )
    assert (rows[etat].requested, rows[etat].granted, rows[etat].committed, rows[etat].paid) == (
        7000,
        6000,
        6000,
        4000,
    )
    assert rows[etat].remaining == 2000


def test_call_ledger_sums_the_call_per_funder(caf, etat, carrier):
    call = CallForProjectsFactory()
    call.funders.create(organisation=caf, envelope=Decimal("20000"))
    first = submitted_application(call, carrier=carrier, funders=[caf, etat], amounts=[3000, 7000])
    second = submitted_application(call, funders=[caf], amounts=[2000])
    ApplicationFactory(call=call, complete=True, funders=[caf])  # a draft: not counted
    decide(first)
    second.refresh_from_db()
    services.sign_convention(application=first, funders=[caf], signed_on=TODAY)

    rows = {row.funder: row for row in services.call_ledger(call)}
    assert rows[caf].envelope == 20000
    assert rows[caf].applications == 2
    assert rows[caf].requested == 5000
    assert rows[caf].granted == 3000
    assert rows[caf].committed == 3000
    assert rows[etat].envelope == 0
    assert rows[etat].granted == 7000 and rows[etat].committed == 0
