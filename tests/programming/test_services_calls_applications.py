"""Business rules of calls and applications, one test per rule (programming.services)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartiers.core import uploads
from quartiers.core.formats import euros
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus, BudgetSide, CallStatus
from quartiers.programming.forms.applications import AttachmentForm
from quartiers.programming.models import Action, Application, FunderOpinion, StatusChange
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import EngagementFactory
from tests.programming.factories import (
    PDF_BYTES,
    ApplicationFactory,
    AttachmentFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    GridCriterionFactory,
    RequiredAttachmentFactory,
    after_deadline,
    submitted_application,
)
from tests.utils import frozen_at

pytestmark = pytest.mark.django_db

Line = services.BudgetLineData
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.fixture
def call():
    return CallForProjectsFactory()


@pytest.fixture
def caf(call):
    return CallFunderFactory(call=call).organisation


# --------------------------------------------------------------------------- factories


def test_a_complete_application_passes_every_submission_check(call, caf):
    RequiredAttachmentFactory(call=call)
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    assert services.submission_errors(application) == []


def test_a_bare_draft_lists_what_is_missing(call):
    errors = services.submission_errors(ApplicationFactory(call=call))
    assert any("objectifs" in e for e in errors)
    assert any("dates" in e for e in errors)
    assert any("attestation" in e for e in errors)


# --------------------------------------------------------------------------- calls


def test_create_call_refuses_a_second_call_the_same_year(call):
    with pytest.raises(ValidationError, match="existe déjà"):
        services.create_call(
            contract=call.contract,
            year=call.year,
            title="Doublon",
            opens_on=call.opens_on,
            deadline=call.deadline,
        )


def test_create_call_refuses_a_deadline_before_the_opening(call):
    with pytest.raises(ValidationError, match="doit suivre"):
        services.create_call(
            contract=call.contract,
            year=call.year + 5,
            title="À l'envers",
            opens_on=datetime.date(2030, 3, 1),
            deadline=timezone.make_aware(datetime.datetime(2030, 2, 1, 12)),
        )


def test_copy_call_to_next_year_copies_funders_attachments_criteria_and_shifts_dates():
    call = CallForProjectsFactory(
        year=2025,
        title="Appel à projets 2025",
        opens_on=datetime.date(2025, 1, 6),
        deadline=timezone.make_aware(datetime.datetime(2025, 2, 28, 12)),
        technical_committee_on=datetime.date(2025, 3, 20),
        steering_committee_on=datetime.date(2025, 4, 10),
        min_qpv_share=Decimal("70"),
    )
    funder = CallFunderFactory(call=call, envelope=Decimal("120000"))
    RequiredAttachmentFactory(call=call, label="Statuts", mandatory=True)
    RequiredAttachmentFactory(call=call, label="RIB", mandatory=False)
    GridCriterionFactory(call=call, label="Pertinence", weight=Decimal("2"), position=1)
    engagement = EngagementFactory(contract=call.contract)
    call.engagements.add(engagement)

    new = services.copy_call_to_next_year(call=call)

    assert (new.year, new.title, new.previous) == (2026, "Appel à projets 2026", call)
    assert new.status == CallStatus.DRAFT
    assert new.opens_on == datetime.date(2026, 1, 6)
    assert new.deadline == timezone.make_aware(datetime.datetime(2026, 2, 28, 12))
    assert new.technical_committee_on == datetime.date(2026, 3, 20)
    assert new.steering_committee_on == datetime.date(2026, 4, 10)
    assert new.min_qpv_share == Decimal("70")
    assert [(f.organisation, f.envelope) for f in new.funders.all()] == [
        (funder.organisation, Decimal("120000"))
    ]
    assert [(r.label, r.mandatory) for r in new.required_attachments.all()] == [
        ("Statuts", True),
        ("RIB", False),
    ]
    assert [(c.label, c.weight) for c in new.criteria.all()] == [("Pertinence", Decimal("2"))]
    assert list(new.engagements.all()) == [engagement]
    # the original is untouched
    assert call.funders.count() == 1 and call.criteria.count() == 1


def test_copy_call_twice_is_refused(call):
    services.copy_call_to_next_year(call=call)
    with pytest.raises(ValidationError, match="existe déjà"):
        services.copy_call_to_next_year(call=call)


def test_copy_call_keeps_the_29th_of_february_valid():
    call = CallForProjectsFactory(
        year=2028,
        opens_on=datetime.date(2028, 2, 29),
        deadline=timezone.make_aware(datetime.datetime(2028, 3, 31, 12)),
    )
    assert services.copy_call_to_next_year(call=call).opens_on == datetime.date(2029, 2, 28)


def test_open_call_opens_a_draft():
    call = CallForProjectsFactory(draft=True)
    services.open_call(call=call)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_start_instruction_sends_submitted_applications_to_instruction_and_closes(call, caf):
    submitted = submitted_application(call, funders=[caf])
    draft = ApplicationFactory(call=call)
    after_deadline(call)
    assert services.start_instruction(call=call) == 1
    submitted.refresh_from_db()
    draft.refresh_from_db()
    call.refresh_from_db()
    assert submitted.status == ApplicationStatus.UNDER_INSTRUCTION
    assert draft.status == ApplicationStatus.DRAFT
    assert call.status == CallStatus.CLOSED


# --------------------------------------------------------------------------- submission


def test_submission_requires_a_balanced_budget(call, caf):
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    application.budget_lines.filter(side=BudgetSide.CHARGE).update(amount=Decimal("9000"))
    with pytest.raises(ValidationError) as excinfo:
        services.submit_application(application=application)
    assert "n'est pas équilibré" in messages_of(excinfo)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not application.versions.exists()


def test_submission_requires_balanced_contributions_in_kind(call, caf):
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    application.budget_lines.create(
        side=BudgetSide.CONTRIBUTION_USE, account="864", amount=Decimal("800")
    )
    with pytest.raises(ValidationError, match="contributions en nature"):
        services.submit_application(application=application)


def test_submission_requires_asking_a_funder(call):
    application = ApplicationFactory(call=call, complete=True)
    services.set_budget(
        application=application,
        lines=[
            Line(side=BudgetSide.CHARGE, account="60", amount=Decimal("100")),
            Line(side=BudgetSide.PRODUCT, account="70", amount=Decimal("100")),
        ],
    )
    with pytest.raises(ValidationError, match="aucun financeur"):
        services.submit_application(application=application)


def test_submission_after_the_deadline_fails_and_before_passes(call, caf):
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    after = call.deadline + datetime.timedelta(minutes=1)
    with frozen_at(after), pytest.raises(ValidationError, match="n'accepte pas de dépôt"):
        services.submit_application(application=application)
    before = call.deadline - datetime.timedelta(minutes=1)
    with frozen_at(before):
        services.submit_application(application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == before


def test_submission_to_a_call_not_yet_open_fails(caf):
    call = CallForProjectsFactory(draft=True)
    CallFunderFactory(call=call, organisation=caf)
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    with pytest.raises(ValidationError, match="n'accepte pas de dépôt"):
        services.submit_application(application=application)


def test_submission_requires_the_minimum_share_of_qpv_residents(caf):
    call = CallForProjectsFactory(min_qpv_share=Decimal("60"))
    application = ApplicationFactory(
        call=call, complete=True, funders=[caf], public_total=100, public_qpv_residents=59
    )
    with pytest.raises(ValidationError, match="59 % du public ; l'appel en demande au moins 60"):
        services.submit_application(application=application)
    Application.objects.filter(pk=application.pk).update(public_qpv_residents=60)
    services.submit_application(application=application)


def test_submission_requires_the_mandatory_attachments(call, caf):
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    RequiredAttachmentFactory(call=call, label="Statuts signés")
    RequiredAttachmentFactory(call=call, label="Bilan financier", mandatory=False)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_application(application=application)
    assert messages_of(excinfo) == "Pièce manquante : Statuts signés."


def test_submission_requires_the_signed_attestation(call, caf):
    application = ApplicationFactory(call=call, complete=True, funders=[caf], attested=False)
    with pytest.raises(ValidationError, match="attestation"):
        services.submit_application(application=application)


def test_submission_freezes_a_version_and_opens_one_opinion_per_funder_asked(call):
    caf, state, unasked = (CallFunderFactory(call=call).organisation for _ in range(3))
    application = ApplicationFactory(
        call=call, complete=True, funders=[caf, state], funders__amounts=[3000, 2000]
    )
    version = services.submit_application(application=application)

    assert version.number == 1
    assert version.data["title"] == application.title
    assert sorted(line["amount"] for line in version.data["budget"]) == [
        "2000.00",
        "3000.00",
        "5000.00",
    ]
    assert {o.funder for o in FunderOpinion.objects.filter(request__application=application)} == {
        caf,
        state,
    }
    assert not FunderOpinion.objects.filter(request__funder=unasked).exists()
    change = StatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status) == ("draft", "submitted")
    # the frozen version does not follow later changes
    Application.objects.filter(pk=application.pk).update(title="Autre titre")
    version.refresh_from_db()
    assert version.data["title"] != "Autre titre"


def test_resubmission_after_going_back_to_draft_makes_version_2(call, caf):
    application = submitted_application(call, funders=[caf])
    services.change_status(application=application, to=ApplicationStatus.DRAFT)
    version = services.submit_application(application=application)
    assert version.number == 2
    assert FunderOpinion.objects.filter(request__application=application).count() == 1


def test_a_submitted_application_is_not_editable(call, caf):
    application = submitted_application(call, funders=[caf])
    with pytest.raises(ValidationError, match="plus modifiable"):
        services.submit_application(application=application)
    with pytest.raises(ValidationError, match="plus modifiable"):
        services.set_budget(application=application, lines=[])


def test_an_overdue_bilan_blocks_the_next_submission_unless_overridden(call, caf):
    carrier = OrganisationFactory(association=True)
    funded = ApplicationFactory(
        call=CallForProjectsFactory(year=call.year - 1),
        carrier=carrier,
        status=ApplicationStatus.PAID,
        ends_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    application = ApplicationFactory(call=call, carrier=carrier, complete=True, funders=[caf])
    with pytest.raises(ValidationError, match="Bilan en retard"):
        services.submit_application(application=application)
    services.override_report_block(application=application, reason="Bilan promis", by=None)
    services.submit_application(application=application)
    assert services.missing_reports(carrier) == [funded]


def test_report_is_due_six_months_after_the_end():
    application = Application(ends_on=datetime.date(2025, 8, 31))
    assert services.report_due_on(application) == datetime.date(2026, 2, 28)
    assert services.report_due_on(Application(ends_on=None)) is None


# --------------------------------------------------------------------------- transitions


def test_withdrawal_is_allowed_until_examination(call, caf):
    application = submitted_application(call, funders=[caf])
    services.withdraw_application(application=application, comment="Projet abandonné")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.status_changes.last().comment == "Projet abandonné"


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN),
        (ApplicationStatus.WITHDRAWN, ApplicationStatus.UNDER_INSTRUCTION),
        (ApplicationStatus.DRAFT, ApplicationStatus.DECIDED),
        (ApplicationStatus.CLOSED, ApplicationStatus.DRAFT),
    ],
)
def test_transitions_not_allowed_are_refused(status, to):
    application = ApplicationFactory(status=status)
    with pytest.raises(ValidationError, match="Passage impossible"):
        services.change_status(application=application, to=to)
    application.refresh_from_db()
    assert application.status == status
    assert not application.status_changes.exists()


# --------------------------------------------------------------------------- renewal


def test_renewal_keeps_the_action_and_copies_content_budget_and_attachments(caf):
    last_call = CallForProjectsFactory(year=2025)
    call = CallForProjectsFactory(contract=last_call.contract, year=2026)
    CallFunderFactory(call=call, organisation=caf)
    statutes_2025 = RequiredAttachmentFactory(call=last_call, label="Statuts")
    statutes_2026 = RequiredAttachmentFactory(call=call, label="Statuts")
    engagement = EngagementFactory(contract=call.contract)
    last = ApplicationFactory(
        call=last_call,
        complete=True,
        funders=[caf],
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 6, 30),
        status=ApplicationStatus.CLOSED,
    )
    last.engagements.add(engagement)
    AttachmentFactory(application=last, name="plaquette.pdf")  # a free attachment
    assert last.attachments.filter(required=statutes_2025).exists()  # given by the factory

    renewal = services.start_application(call=call, carrier=last.carrier, title="", renewal_of=last)

    assert renewal.action == last.action
    assert renewal.renewal_of == last
    assert renewal.status == ApplicationStatus.DRAFT
    assert (renewal.title, renewal.objectives) == (last.title, last.objectives)
    assert (renewal.starts_on, renewal.ends_on) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 6, 30),
    )
    assert not renewal.attested  # the carrier attests again
    assert list(renewal.engagements.all()) == [engagement]
    assert [(b.account, b.amount, b.funder) for b in renewal.budget_lines.all()] == [
        (b.account, b.amount, b.funder) for b in last.budget_lines.all()
    ]
    assert {(a.required_id, a.file.name) for a in renewal.attachments.all()} == {
        (statutes_2026.pk if a.required else None, a.file.name) for a in last.attachments.all()
    }


def test_a_new_application_starts_a_new_action(call):
    carrier = OrganisationFactory(association=True)
    application = services.start_application(call=call, carrier=carrier, title="Jardin partagé")
    assert application.action.title == "Jardin partagé"
    assert application.action.carrier == carrier
    assert application.action.contract == call.contract


@pytest.mark.parametrize("trait", ["draft", "closed"])
def test_a_dossier_starts_only_on_an_open_call(trait):
    """The audit: a carrier knowing the UUID of a call in preparation started a dossier."""
    call = CallForProjectsFactory(**{trait: True})
    carrier = OrganisationFactory(association=True)
    with pytest.raises(ValidationError) as excinfo:
        services.start_application(call=call, carrier=carrier, title="Jardin partagé")
    assert "n'accepte pas de nouveau dossier" in messages_of(excinfo)
    assert not Application.objects.exists() and not Action.objects.exists()


def test_starting_the_same_draft_twice_returns_the_first(call):
    """A double-submitted « Nouveau dossier » form: one draft, one action."""
    carrier = OrganisationFactory(association=True)
    first = services.start_application(call=call, carrier=carrier, title="Jardin partagé")
    again = services.start_application(call=call, carrier=carrier, title="Jardin partagé")
    assert again == first
    other = services.start_application(call=call, carrier=carrier, title="Repair café")
    assert other != first
    assert Action.objects.filter(carrier=carrier).count() == 2


def test_an_action_is_renewed_once_per_call(call):
    last = ApplicationFactory(call=CallForProjectsFactory(contract=call.contract, year=2000))
    renewal = services.start_application(call=call, carrier=last.carrier, title="", renewal_of=last)
    assert (
        services.start_application(call=call, carrier=last.carrier, title="", renewal_of=last)
        == renewal
    )
    services.withdraw_application(application=renewal)
    with pytest.raises(ValidationError, match="déjà renouvelée dans cet appel"):
        services.start_application(call=call, carrier=last.carrier, title="", renewal_of=last)


def test_only_the_organisation_s_own_actions_can_be_renewed(call):
    last = ApplicationFactory(call=CallForProjectsFactory(contract=call.contract, year=2000))
    with pytest.raises(ValidationError, match="son organisation"):
        services.start_application(
            call=call, carrier=OrganisationFactory(), title="", renewal_of=last
        )


@pytest.mark.parametrize(
    "write",
    [
        lambda stale: services.set_budget(application=stale, lines=[]),
        lambda stale: services.save_draft(application=stale),
        lambda stale: services.remove_attachment(attachment=stale.attachments.first()),
    ],
    ids=["budget", "form", "attachment"],
)
def test_a_page_opened_before_the_submission_cannot_change_the_dossier(call, write):
    """The status is re-read under the lock, not taken from the caller's copy."""
    application = ApplicationFactory(call=call, complete=True)
    AttachmentFactory(application=application)
    stale = Application.objects.get(pk=application.pk)
    version = services.submit_application(application=application)
    assert stale.status == ApplicationStatus.DRAFT  # what the page opened before still says
    with pytest.raises(ValidationError, match="plus modifiable"):
        write(stale)
    assert services.snapshot(Application.objects.get(pk=application.pk)) == version.data


# --------------------------------------------------------------------------- budget


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line(side=BudgetSide.CHARGE, account="74", amount=Decimal("1")), "n'existe pas"),
        (Line(side=BudgetSide.PRODUCT, account="74", amount=Decimal("10")), "nomme le financeur"),
        (Line(side=BudgetSide.CHARGE, account="60", amount=Decimal("-1")), "positif"),
    ],
)
def test_set_budget_refuses_invalid_lines(call, line, message):
    application = ApplicationFactory(call=call)
    with pytest.raises(ValidationError, match=message):
        services.set_budget(application=application, lines=[line])


def test_only_subsidies_name_a_funder(call, caf):
    application = ApplicationFactory(call=call)
    line = Line(side=BudgetSide.PRODUCT, account="70", amount=Decimal("1"), funder=caf)
    with pytest.raises(ValidationError, match="compte 74"):
        services.set_budget(application=application, lines=[line])


def test_set_budget_replaces_the_lines_and_allows_an_unbalanced_draft(call, caf):
    application = ApplicationFactory(call=call, complete=True, funders=[caf])
    services.set_budget(
        application=application,
        lines=[Line(side=BudgetSide.CHARGE, account="64", amount=Decimal("12500"))],
    )
    assert application.budget_totals()[BudgetSide.CHARGE] == Decimal("12500")
    assert application.budget_lines.count() == 1
    assert any("n'est pas équilibré" in e for e in services.budget_errors(application))


# --------------------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    ("name", "content_type", "size", "error"),
    [
        ("statuts.pdf", "application/pdf", 1000, None),
        ("photo.JPEG", "image/jpeg", 1000, None),
        ("budget.xlsx", XLSX, 1000, None),
        ("statuts.pdf", "application/pdf", uploads.MAX_ATTACHMENT_BYTES + 1, "dépasse 10 Mo"),
        ("virus.exe", "application/x-msdownload", 1000, "format non accepté"),
        ("statuts.exe", "application/pdf", 1000, "format non accepté"),
        ("statuts.pdf", "image/png", 1000, "format non accepté"),
    ],
)
def test_attachment_type_and_size(name, content_type, size, error):
    head = uploads.SIGNATURES.get(content_type, (b"MZ",))[0]
    upload = SimpleUploadedFile(name, head + b"...", content_type=content_type)
    upload.size = size
    result = uploads.attachment_error(upload)
    assert (result is None) if error is None else (error in result)


@pytest.mark.parametrize(
    ("name", "data", "content_type", "matches"),
    [
        ("a.pdf", PDF_BYTES, "application/pdf", True),
        ("a.png", b"\x89PNG\r\n\x1a\n...", "image/png", True),
        ("a.jpg", b"\xff\xd8\xff\xe0...", "image/jpeg", True),
        ("a.odt", b"PK\x03\x04...", "application/vnd.oasis.opendocument.text", True),
        ("a.pdf", b"MZ\x90\x00 renamed executable", "application/pdf", False),
        ("a.png", PDF_BYTES, "image/png", False),
        ("a.pdf", b"", "application/pdf", False),
    ],
)
def test_attachment_content_is_sniffed(name, data, content_type, matches):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    assert (uploads.attachment_error(upload) is None) is matches


def test_the_attachment_service_refuses_a_renamed_executable(call):
    """The check is the service's: the admin, commands and the API get it too."""
    application = ApplicationFactory(call=call)
    upload = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    with pytest.raises(ValidationError, match="ne contient pas ce que son nom annonce"):
        services.add_attachment(application=application, upload=upload)
    assert not application.attachments.exists()


def test_attachment_form_refuses_a_renamed_executable(call):
    application = ApplicationFactory(call=call)
    upload = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    form = AttachmentForm({}, {"file": upload}, application=application)
    assert not form.is_valid()
    assert "ne contient pas ce que son nom annonce" in form.errors["file"][0]


def test_attachment_form_accepts_a_pdf_against_a_required_piece(call):
    application = ApplicationFactory(call=call)
    required = RequiredAttachmentFactory(call=call)
    upload = SimpleUploadedFile("statuts.pdf", PDF_BYTES, content_type="application/pdf")
    form = AttachmentForm({"required": required.pk}, {"file": upload}, application=application)
    assert form.is_valid(), form.errors
    attachment = form.save()
    assert (attachment.required, attachment.size, attachment.content_type) == (
        required,
        len(PDF_BYTES),
        "application/pdf",
    )


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12500"), "12\u00a0500,00\u00a0€"),
        (Decimal("0.5"), "0,50\u00a0€"),
        (1234567.891, "1\u00a0234\u00a0567,89\u00a0€"),
        (Decimal("-40"), "-40,00\u00a0€"),
        (None, ""),
        ("abc", ""),
    ],
)
def test_money_is_shown_the_french_way(value, shown):
    assert euros(value) == shown
