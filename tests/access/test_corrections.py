"""Correcting imported data inside the product: services (one test per rule) and pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quartiers.access import services
from quartiers.access.models import Event
from quartiers.contracts import services as contract_services
from quartiers.contracts.enums import Role
from quartiers.contracts.models import (
    UNKNOWN_ACRONYM,
    UNKNOWN_ACRONYM_MESSAGE,
    EngagementRole,
    ImportWarning,
    SourceDocument,
)
from quartiers.core.enums import OrganisationKind
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import (
    ContractFactory,
    EngagementFactory,
    EngagementRoleFactory,
    PartnerFactory,
    PillarFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(contract):
    """A partner the import could not name, with an organisation of its own."""
    return PartnerFactory(
        contract=contract,
        code="ASSOQ",
        name="",
        column=True,
        organisation=OrganisationFactory(name="ASSOQ", acronym="ASSOQ"),
    )


@pytest.fixture
def warning(contract, partner):
    document = SourceDocument.objects.create(name="p.docx", sha256="a" * 64, format="docx")
    return ImportWarning.objects.create(
        contract=contract,
        source_document=document,
        code=UNKNOWN_ACRONYM,
        message=UNKNOWN_ACRONYM_MESSAGE.format(code=partner.code),
        line=12,
        partner=partner,
    )


def correct(partner, by, **changes):
    values = {"name": "Association du quartier", "kind": partner.kind, "parent": None}
    return services.correct_partner(partner=partner, by=by, **(values | changes))


# ------------------------------------------------------------------------------ services


def test_the_import_gives_a_warning_its_subject_of_the_contract(contract, partner, warning):
    from quartiers.contracts.content import WarningData

    PartnerFactory(contract=ContractFactory(), code="OTHERQ")
    engagement = EngagementFactory(contract=contract, number=2)
    contract_services._sync_warnings(
        contract,
        warning.source_document,
        [
            WarningData("unknown_acronym", "Sigle ASSOQ.", 12, partner="ASSOQ"),
            WarningData("mark_unrecognised", "Marque « ? ».", 30, engagement=2),
            WarningData("unknown_acronym", "Sigle OTHERQ.", 14, partner="OTHERQ"),
            WarningData("role_inferred", "X est lu comme chef de file.", 5),
        ],
    )
    subjects = {
        w.message: (w.partner, w.engagement)
        for w in ImportWarning.objects.filter(contract=contract)
    }
    assert subjects == {
        "Sigle ASSOQ.": (partner, None),
        "Marque « ? ».": (None, engagement),
        "Sigle OTHERQ.": (None, None),  # another contract's partner is never the subject
        "X est lu comme chef de file.": (None, None),
    }


def test_a_reimport_updates_the_subject_of_a_kept_warning(contract, partner, warning):
    from quartiers.contracts.content import WarningData

    engagement = EngagementFactory(contract=contract, number=7)
    contract_services._sync_warnings(
        contract,
        warning.source_document,
        [WarningData(warning.code, warning.message, warning.line, engagement=7)],
    )
    kept = ImportWarning.objects.get(contract=contract)
    assert kept.pk == warning.pk
    assert (kept.partner, kept.engagement) == (None, engagement)


def test_a_lead_corrects_a_partner_with_history_and_journal(partner, lead):
    assert correct(partner, lead)
    partner.refresh_from_db()
    assert partner.name == "Association du quartier"
    record = partner.history.first()
    assert (record.history_user, record.name) == (lead, "Association du quartier")
    event = Event.objects.get(verb="imported_data_corrected")
    assert (event.contract, event.actor) == (partner.contract, lead)


def test_the_partners_own_organisation_follows(partner, lead):
    correct(partner, lead)
    partner.organisation.refresh_from_db()
    assert partner.organisation.name == "Association du quartier"
    assert partner.organisation.history.first().history_user == lead


def test_an_organisation_shared_with_another_contract_is_left_alone(partner, lead):
    PartnerFactory(contract=ContractFactory(), code="ASSOQ", organisation=partner.organisation)
    correct(partner, lead)
    partner.organisation.refresh_from_db()
    partner.refresh_from_db()
    assert partner.name == "Association du quartier"
    assert partner.organisation.name == "ASSOQ"


def test_the_state_organisation_is_never_renamed(contract, lead):
    state = OrganisationFactory(name="État", kind=OrganisationKind.STATE, is_state=True)
    etat = PartnerFactory(contract=contract, state=True, organisation=state)
    correct(etat, lead, name="L'État")
    state.refresh_from_db()
    assert state.name == "État"
    assert state.is_state


def test_correcting_twice_the_same_way_writes_nothing_more(partner, lead):
    correct(partner, lead)
    records = partner.history.count()
    assert not correct(partner, lead)
    assert partner.history.count() == records
    assert Event.objects.filter(verb="imported_data_corrected").count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 10_000])
def test_a_partner_name_is_required_and_bounded(partner, lead, name):
    with pytest.raises(ValidationError) as error:
        correct(partner, lead, name=name)
    assert "name" in error.value.message_dict
    partner.refresh_from_db()
    assert partner.name == ""


def test_a_lead_cannot_give_a_public_institution_kind(partner, lead):
    with pytest.raises(ValidationError, match="administrateur de la plateforme"):
        correct(partner, lead, kind=OrganisationKind.CAF)


def test_a_lead_cannot_take_a_public_institution_kind_away(contract, lead):
    caf = PartnerFactory(contract=contract, code="CAF", kind=OrganisationKind.CAF)
    with pytest.raises(ValidationError, match="administrateur de la plateforme"):
        correct(caf, lead, kind=OrganisationKind.ASSOCIATION)


def test_a_lead_chooses_among_the_other_kinds(partner, lead):
    correct(partner, lead, kind=OrganisationKind.SOCIAL_LANDLORD)
    partner.refresh_from_db()
    partner.organisation.refresh_from_db()
    assert partner.kind == partner.organisation.kind == OrganisationKind.SOCIAL_LANDLORD


def test_a_platform_admin_gives_a_public_institution_kind(partner):
    correct(partner, UserFactory(admin=True), kind=OrganisationKind.CAF)
    partner.refresh_from_db()
    assert partner.kind == OrganisationKind.CAF


def test_a_parent_sets_the_organisations_parent(contract, partner, lead):
    parent = PartnerFactory(contract=contract, organisation=OrganisationFactory())
    correct(partner, lead, parent=parent)
    partner.refresh_from_db()
    partner.organisation.refresh_from_db()
    assert partner.parent == parent
    assert partner.organisation.parent == parent.organisation


def test_a_parent_cannot_create_a_cycle(contract, partner, lead):
    service = PartnerFactory(contract=contract, parent=partner)
    for parent in (partner, service):
        with pytest.raises(ValidationError, match="ni à lui-même ni à l'un de ses services"):
            correct(partner, lead, parent=parent)


def test_a_parent_of_another_contract_is_refused(partner, lead):
    with pytest.raises(ValidationError, match="n'appartient pas à ce contrat"):
        correct(partner, lead, parent=PartnerFactory())


@pytest.mark.parametrize(
    "trait", ["prefect_delegate", "observer", "citizen_council", "funder_instructor", "carrier"]
)
def test_other_roles_cannot_correct(contract, partner, trait):
    user = RoleAssignmentFactory(contract=contract, **{trait: True}).user
    with pytest.raises(ValidationError, match="corrigent les données importées"):
        correct(partner, user)


def test_the_lead_of_another_contract_cannot_correct(partner):
    other_lead = RoleAssignmentFactory().user
    with pytest.raises(ValidationError, match="corrigent les données importées"):
        correct(partner, other_lead)


def test_an_archived_contract_refuses_corrections(contract, partner, lead):
    contract_services.set_archived(contract=contract, archived=True)
    with pytest.raises(ValidationError, match="archivé"):
        correct(partner, lead)
    engagement = EngagementFactory(contract=contract)
    with pytest.raises(ValidationError, match="archivé"):
        services.correct_engagement(
            engagement=engagement,
            text="Nouveau texte",
            pillar=engagement.pillar,
            theme=None,
            roles={},
            by=lead,
        )


def test_correcting_from_a_warning_marks_it_reviewed_by_whom_and_when(partner, lead, warning):
    before = timezone.now()
    correct(partner, lead, warning=warning)
    warning.refresh_from_db()
    assert warning.reviewed
    assert warning.reviewed_by == lead
    assert warning.reviewed_at >= before
    assert Event.objects.filter(verb="import_warning_reviewed").count() == 1


def test_a_reviewed_warning_keeps_its_first_reviewer(partner, lead, warning):
    first = UserFactory()
    services.review_import_warning(warning=warning, by=first)
    correct(partner, lead, warning=warning)
    warning.refresh_from_db()
    assert warning.reviewed_by == first
    assert Event.objects.filter(verb="import_warning_reviewed").count() == 1


def test_a_warning_of_another_contract_is_refused(partner, lead, warning):
    other = PartnerFactory(contract=ContractFactory())
    RoleAssignmentFactory(contract=other.contract, user=lead)
    with pytest.raises(ValidationError, match="ne concerne pas ce contrat"):
        correct(other, lead, warning=warning)
    warning.refresh_from_db()
    assert not warning.reviewed


def test_a_reimport_keeps_who_reviewed(partner, lead, warning):
    from quartiers.contracts.content import WarningData

    services.review_import_warning(warning=warning, by=lead)
    contract_services._sync_warnings(
        partner.contract,
        warning.source_document,
        [WarningData(warning.code, warning.message, 13)],  # the same warning, one line lower
    )
    moved = ImportWarning.objects.get(contract=partner.contract)
    assert (moved.line, moved.reviewed, moved.reviewed_by) == (13, True, lead)


@pytest.fixture
def grid(contract):
    """An engagement of the grid: the CAF leads, the État is associated through its ARS."""
    pillar = PillarFactory(contract=contract, name="Cohésion sociale")
    theme = ThemeFactory(pillar=pillar, name="Santé")
    other_pillar = PillarFactory(contract=contract, name="Emploi")
    other_theme = ThemeFactory(pillar=other_pillar, name="Insertion")
    etat = PartnerFactory(contract=contract, state=True)
    ars = PartnerFactory(contract=contract, code="ARS", parent=etat, state_service=True)
    caf = PartnerFactory(contract=contract, code="CAF", column=True)
    engagement = EngagementFactory(contract=contract, pillar=pillar, theme=theme, text="Agir")
    EngagementRoleFactory(engagement=engagement, partner=caf, role=Role.LEAD)
    EngagementRoleFactory(engagement=engagement, partner=etat, service=ars, role=Role.ASSOCIATE)
    return {
        "engagement": engagement,
        "pillar": pillar,
        "theme": theme,
        "other_pillar": other_pillar,
        "other_theme": other_theme,
        "etat": etat,
        "ars": ars,
        "caf": caf,
    }


def correct_engagement(grid, by, **changes):
    values = {
        "text": "Agir pour la santé",
        "pillar": grid["pillar"],
        "theme": grid["theme"],
        "roles": {(grid["caf"], None): Role.ASSOCIATE, (grid["etat"], grid["ars"]): Role.LEAD},
    }
    return services.correct_engagement(engagement=grid["engagement"], by=by, **(values | changes))


def test_a_lead_corrects_an_engagement_and_its_roles_with_history(grid, lead):
    assert correct_engagement(grid, lead)
    engagement = grid["engagement"]
    engagement.refresh_from_db()
    assert engagement.text == "Agir pour la santé"
    roles = {
        (r.partner.code, r.service_id and r.service.code): r.role for r in engagement.roles.all()
    }
    assert roles == {("CAF", None): Role.ASSOCIATE, ("ETAT", "ARS"): Role.LEAD}
    assert engagement.history.first().history_user == lead
    assert {r.history_user for r in EngagementRole.history.filter(history_type="~")} == {lead}
    assert not correct_engagement(grid, lead)  # the same again writes nothing


def test_a_role_left_out_is_removed_and_a_new_one_created(grid, lead):
    correct_engagement(grid, lead, roles={(grid["etat"], None): Role.UNSPECIFIED})
    roles = list(grid["engagement"].roles.values_list("partner__code", "service", "role"))
    assert roles == [("ETAT", None, Role.UNSPECIFIED)]
    assert EngagementRole.history.filter(history_type="-", history_user=lead).count() == 2


def test_an_engagement_moves_to_another_pillar_and_theme(grid, lead):
    correct_engagement(grid, lead, pillar=grid["other_pillar"], theme=grid["other_theme"])
    grid["engagement"].refresh_from_db()
    assert grid["engagement"].theme == grid["other_theme"]


def test_a_theme_of_another_pillar_is_refused(grid, lead):
    with pytest.raises(ValidationError, match="n'appartient pas au pilier"):
        correct_engagement(grid, lead, theme=grid["other_theme"])


def test_a_pillar_of_another_contract_is_refused(grid, lead):
    with pytest.raises(ValidationError, match="n'appartient pas à ce contrat"):
        correct_engagement(grid, lead, pillar=PillarFactory(), theme=None)


def test_an_engagement_text_is_required(grid, lead):
    with pytest.raises(ValidationError) as error:
        correct_engagement(grid, lead, text="  ")
    assert "text" in error.value.message_dict


def test_a_role_for_a_partner_of_another_contract_is_refused(grid, lead):
    with pytest.raises(ValidationError, match="n'appartient pas à ce contrat"):
        correct_engagement(grid, lead, roles={(PartnerFactory(), None): Role.LEAD})
    assert grid["engagement"].roles.count() == 2


def test_a_service_must_be_one_of_the_partners(grid, lead):
    with pytest.raises(ValidationError, match="n'est pas un service de CAF"):
        correct_engagement(grid, lead, roles={(grid["caf"], grid["ars"]): Role.LEAD})


def test_an_unknown_role_is_refused(grid, lead):
    with pytest.raises(ValidationError, match="Rôle inconnu"):
        correct_engagement(grid, lead, roles={(grid["caf"], None): "boss"})


def test_a_delegate_cannot_correct_an_engagement(contract, grid):
    delegate = RoleAssignmentFactory(contract=contract, prefect_delegate=True).user
    with pytest.raises(ValidationError, match="corrigent les données importées"):
        correct_engagement(grid, delegate)


# --------------------------------------------------------------------------------- pages


def partner_edit_url(partner, warning=None):
    url = reverse(
        "contracts:partner-edit", kwargs={"slug": partner.contract.slug, "code": partner.code}
    )
    return f"{url}?avertissement={warning.pk}" if warning else url


def engagement_edit_url(engagement):
    return reverse(
        "contracts:engagement-edit",
        kwargs={"slug": engagement.contract.slug, "number": engagement.number},
    )


def token_of(response):
    return response.context["form"]["submission_token"].value()


def test_the_lead_follows_a_warning_and_corrects_the_partner(as_user, partner, lead, warning):
    client = as_user(lead)
    detail = client.get(partner.contract.get_absolute_url()).content.decode()
    assert f'href="{partner_edit_url(partner, warning)}"' in detail
    assert "À vérifier" in detail
    page = client.get(partner_edit_url(partner, warning))
    assert page.status_code == 200
    assert warning.message in page.content.decode()
    response = client.post(
        partner_edit_url(partner),
        {
            "name": "Association du quartier",
            "kind": OrganisationKind.OTHER,
            "parent": "",
            "warning": warning.pk,
            "submission_token": token_of(page),
        },
    )
    assert response.status_code == 302
    assert response.url == partner.get_absolute_url()
    partner.refresh_from_db()
    warning.refresh_from_db()
    assert partner.name == "Association du quartier"
    assert (warning.reviewed, warning.reviewed_by) == (True, lead)
    detail = client.get(partner.contract.get_absolute_url()).content.decode()
    assert "Vérifié" in detail
    assert "Import à vérifier" not in detail


def test_sending_the_partner_form_twice_is_recorded_once(as_user, partner, lead):
    client = as_user(lead)
    token = token_of(client.get(partner_edit_url(partner)))
    data = {"name": "Nom A", "kind": OrganisationKind.OTHER, "submission_token": token}
    assert client.post(partner_edit_url(partner), data).status_code == 302
    again = client.post(partner_edit_url(partner), data | {"name": "Nom B"}, follow=True)
    assert "déjà été enregistrée" in again.content.decode()
    partner.refresh_from_db()
    assert partner.name == "Nom A"


@pytest.mark.parametrize("name", ["", "x" * 10_000])
def test_the_partner_form_shows_hostile_names_refused(as_user, partner, lead, name):
    client = as_user(lead)
    response = client.post(partner_edit_url(partner), {"name": name, "kind": "other"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    partner.refresh_from_db()
    assert partner.name == ""


def test_the_partner_form_refuses_a_parent_of_another_contract(as_user, partner, lead):
    stranger = PartnerFactory()
    response = as_user(lead).post(
        partner_edit_url(partner), {"name": "N", "kind": "other", "parent": stranger.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]


def test_the_partner_form_shows_a_cycle_refused(as_user, contract, partner, lead):
    service = PartnerFactory(contract=contract, parent=partner)
    response = as_user(lead).post(
        partner_edit_url(partner), {"name": "N", "kind": "other", "parent": service.pk}
    )
    assert response.status_code == 200
    assert "ni à lui-même" in str(response.context["form"].errors["parent"])


def test_the_kind_of_a_public_institution_is_shown_fixed_to_the_lead(as_user, contract, lead):
    caf = PartnerFactory(contract=contract, code="CAF", kind=OrganisationKind.CAF)
    response = as_user(lead).get(partner_edit_url(caf))
    form = response.context["form"]
    assert form.fields["kind"].disabled
    assert "administrateur de la plateforme" in response.content.decode()
    # A forged POST keeps the nature: the disabled field ignores what is sent.
    as_user(lead).post(partner_edit_url(caf), {"name": "Caisse", "kind": "association"})
    caf.refresh_from_db()
    assert (caf.name, caf.kind) == ("Caisse", OrganisationKind.CAF)


def test_the_lead_is_offered_no_public_institution_kind(as_user, partner, lead):
    kinds = dict(
        as_user(lead).get(partner_edit_url(partner)).context["form"].fields["kind"].choices
    )
    assert OrganisationKind.CAF not in kinds
    assert OrganisationKind.ASSOCIATION in kinds


@pytest.mark.parametrize(
    "trait", ["prefect_delegate", "observer", "citizen_council", "funder_instructor", "carrier"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_roles_get_403_on_the_correction_pages(as_user, contract, grid, trait, method):
    client = as_user(RoleAssignmentFactory(contract=contract, **{trait: True}).user)
    for url in (partner_edit_url(grid["caf"]), engagement_edit_url(grid["engagement"])):
        assert getattr(client, method)(url, {"name": "X"}).status_code == 403
    grid["caf"].refresh_from_db()
    assert grid["caf"].name != "X"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_lead_of_another_contract_gets_403(as_user, grid, method):
    client = as_user(RoleAssignmentFactory().user)
    for url in (partner_edit_url(grid["caf"]), engagement_edit_url(grid["engagement"])):
        assert getattr(client, method)(url, {"name": "X"}).status_code == 403


def test_a_partner_of_another_contract_is_404_through_this_contract(as_user, contract, lead):
    stranger = PartnerFactory(code="AILLEURS")
    url = reverse("contracts:partner-edit", kwargs={"slug": contract.slug, "code": stranger.code})
    assert as_user(lead).get(url).status_code == 404


def test_anonymous_people_are_sent_to_login(client, partner):
    response = client.get(partner_edit_url(partner))
    assert response.status_code == 302
    assert "/connexion/" in response.url or "login" in response.url


def test_an_archived_contract_offers_no_correction_form(as_user, contract, partner, lead):
    contract_services.set_archived(contract=contract, archived=True)
    client = as_user(lead)
    page = client.get(partner_edit_url(partner))
    assert page.context["form"] is None
    assert "archivé" in page.content.decode()
    client.post(partner_edit_url(partner), {"name": "Nouveau", "kind": "other"})
    partner.refresh_from_db()
    assert partner.name == ""
    assert "Corriger ce partenaire" not in client.get(partner.get_absolute_url()).content.decode()


def test_a_warning_about_an_engagement_links_to_its_form(as_user, contract, grid, lead):
    engagement = grid["engagement"]
    document = SourceDocument.objects.create(name="p.docx", sha256="c" * 64, format="docx")
    warning = ImportWarning.objects.create(
        contract=contract,
        source_document=document,
        code="mark_unrecognised",
        message="Marque « ? » non reconnue dans la colonne CAF : rôle non précisé.",
        line=None,  # the subject, not the line, names the engagement
        engagement=engagement,
    )
    loose = ImportWarning.objects.create(
        contract=contract, source_document=document, code="no_end_date", message="Sans fin."
    )
    detail = as_user(lead).get(contract.get_absolute_url()).content.decode()
    assert f'href="{engagement_edit_url(engagement)}?avertissement={warning.pk}"' in detail
    assert f"?avertissement={loose.pk}" not in detail


def test_the_lead_corrects_an_engagement_and_its_roles(as_user, grid, lead):
    client = as_user(lead)
    engagement = grid["engagement"]
    detail = reverse(
        "contracts:engagement-detail",
        kwargs={"slug": engagement.contract.slug, "number": engagement.number},
    )
    assert engagement_edit_url(engagement) in client.get(detail).content.decode()
    page = client.get(engagement_edit_url(engagement))
    form = page.context["form"]
    names = {pair: name for name, pair in form.role_pairs.items()}
    data = {
        "text": "Agir pour la santé des habitants",
        "pillar": grid["other_pillar"].pk,
        "theme": grid["other_theme"].pk,
        names[(grid["caf"], None)]: Role.ASSOCIATE,
        names[(grid["etat"], grid["ars"])]: "",
        names[(grid["etat"], None)]: Role.LEAD,
        "submission_token": token_of(page),
    }
    response = client.post(engagement_edit_url(engagement), data)
    assert response.status_code == 302, response.context["form"].errors
    engagement.refresh_from_db()
    assert engagement.text == "Agir pour la santé des habitants"
    assert engagement.pillar == grid["other_pillar"]
    roles = set(engagement.roles.values_list("partner__code", "service", "role"))
    assert roles == {("CAF", None, Role.ASSOCIATE), ("ETAT", None, Role.LEAD)}
    assert response.url == detail
    history = client.get(detail).content.decode()  # the history names the author
    assert "Historique des modifications" in history
    assert lead.get_full_name() in history


def test_the_engagement_form_refuses_a_theme_of_another_pillar(as_user, grid, lead):
    response = as_user(lead).post(
        engagement_edit_url(grid["engagement"]),
        {"text": "T", "pillar": grid["pillar"].pk, "theme": grid["other_theme"].pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["theme"]


def test_the_engagement_form_refuses_a_pillar_of_another_contract(as_user, grid, lead):
    response = as_user(lead).post(
        engagement_edit_url(grid["engagement"]), {"text": "T", "pillar": PillarFactory().pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pillar"]


def test_the_header_offers_administration_only_to_who_can_use_it(as_user, contract, lead):
    lead.is_staff = True  # staff without any permission (as the demo's chef de projet was)
    lead.save()
    page = as_user(lead).get(contract.get_absolute_url()).content.decode()
    assert 'href="/admin/"' not in page
    assert 'href="/admin/"' in as_user(UserFactory(admin=True)).get("/").content.decode()
