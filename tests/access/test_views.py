"""Mes rôles, organisations and the people of a contract: permissions, status codes, content."""

import pytest
from django.core import mail
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event, RoleAssignment
from quartiers.accounts.models import Organisation
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.conftest import soup, text_of
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def roles_url(contract):
    return f"/contrats/{contract.slug}/roles/"


def revoke_url(assignment):
    return f"/contrats/{assignment.contract.slug}/roles/{assignment.pk}/retirer/"


def edit_url(organisation):
    return f"/organisations/{organisation.pk}/modifier/"


# Mes rôles


def test_my_roles_lists_my_roles_contract_by_contract(as_user, contract):
    caf = OrganisationFactory(funder=True)
    assignment = RoleAssignmentFactory(
        contract=contract,
        role=ContractRole.FUNDER_INSTRUCTOR,
        organisation=caf,
        user__first_name="Inès",
        user__last_name="Roux",
    )
    RoleAssignmentFactory(user=assignment.user, role=ContractRole.PROJECT_LEAD)
    page = soup(as_user(assignment.user).get("/mon-compte/roles/"))
    main = text_of(page.find("main"))
    assert str(caf) in main
    assert page.find("a", href=contract.get_absolute_url(), string=contract.name)
    assert "Instructeur·rice d'un financeur" in main
    # Only a chef de projet manages the people of a contract.
    links = [a["href"] for a in page.select("main a") if a["href"].endswith("/roles/")]
    assert len(links) == 1
    assert contract.slug not in links[0]


# Organisations


@pytest.fixture
def carrier():
    """A porteur de projet acting for its association."""
    return RoleAssignmentFactory(carrier=True)


def test_a_carrier_lists_only_its_organisations(as_user, carrier):
    other = OrganisationFactory()
    page = soup(as_user(carrier.user).get("/organisations/"))
    assert page.find("a", href=carrier.organisation.get_absolute_url())
    assert not page.find("a", href=other.get_absolute_url())


def test_steering_roles_list_the_organisations_of_their_contracts(
    as_user, django_assert_max_num_queries
):
    delegate = RoleAssignmentFactory(prefect_delegate=True)
    parent = OrganisationFactory(state=True)
    for organisation in OrganisationFactory.create_batch(15, parent=parent):
        PartnerFactory(contract=delegate.contract, organisation=organisation)
    elsewhere = RoleAssignmentFactory(carrier=True).organisation  # another contract's
    client = as_user(delegate.user)
    with django_assert_max_num_queries(6):
        response = client.get("/organisations/")
    rows = soup(response).select("main table tbody tr")
    assert len(rows) == 15
    assert not soup(response).find("a", href=elsewhere.get_absolute_url())
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_administrators_list_every_organisation(as_user):
    OrganisationFactory.create_batch(3)
    response = as_user(UserFactory(admin=True)).get("/organisations/")
    rows = soup(response).select("main table tbody tr")
    assert len(rows) == Organisation.objects.count() == 3


def test_a_carrier_sees_and_edits_its_own_organisation(as_user, carrier):
    client = as_user(carrier.user)
    assert client.get(carrier.organisation.get_absolute_url()).status_code == 200
    assert client.get(edit_url(carrier.organisation)).status_code == 200


def test_a_carrier_gets_404_on_another_organisation(as_user, carrier):
    other = OrganisationFactory()
    client = as_user(carrier.user)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(edit_url(other)).status_code == 404
    assert client.post(edit_url(other), {"name": "Piratée"}).status_code == 404
    other.refresh_from_db()
    assert other.name != "Piratée"


def test_unknown_organisation_is_404(as_user):
    admin = UserFactory(admin=True)
    assert as_user(admin).get("/organisations/999999/").status_code == 404


def test_a_steering_role_reads_but_does_not_edit_other_organisations(as_user):
    delegate = RoleAssignmentFactory(prefect_delegate=True)
    caf = OrganisationFactory(funder=True)
    PartnerFactory(contract=delegate.contract, organisation=caf)
    client = as_user(delegate.user)
    response = client.get(caf.get_absolute_url())
    assert response.status_code == 200
    assertNotContains(response, edit_url(caf))
    assertNotContains(response, "Historique des modifications")
    assert client.get(edit_url(caf)).status_code == 403


def test_organisation_pages_send_anonymous_people_to_login(client):
    caf = OrganisationFactory()
    for url in ["/organisations/", caf.get_absolute_url(), edit_url(caf)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")


def organisation_data(organisation, **changes):
    data = {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "siret": organisation.siret,
        "rna": organisation.rna,
        "address": organisation.address,
    }
    return {**data, **changes}


def test_editing_an_organisation_validates_siret_and_rna_in_french(as_user, carrier):
    organisation = carrier.organisation
    response = as_user(carrier.user).post(
        edit_url(organisation),
        organisation_data(organisation, siret="73282932000075", rna="X12"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["siret"] == ["Ce SIRET n'est pas valide (clé de contrôle)."]
    assert errors["rna"][0].startswith("Le numéro RNA commence par W")
    assertContains(response, "Ce SIRET n&#x27;est pas valide (clé de contrôle).")
    organisation.refresh_from_db()
    assert organisation.siret != "73282932000075"


def test_editing_an_organisation_goes_through_the_service(as_user, carrier):
    organisation = carrier.organisation
    response = as_user(carrier.user).post(
        edit_url(organisation),
        organisation_data(organisation, name="Régie de quartier", siret="732 829 320 00074"),
        follow=True,
    )
    assertRedirects(response, organisation.get_absolute_url())
    assertContains(response, "L&#x27;organisation a été enregistrée.")
    organisation.refresh_from_db()
    assert (organisation.name, organisation.siret) == ("Régie de quartier", "73282932000074")
    assert organisation.history.latest().history_user == carrier.user


def test_organisation_history_shows_author_date_and_changed_fields(as_user, carrier):
    organisation = carrier.organisation
    carrier.user.first_name, carrier.user.last_name = "Inès", "Roux"
    carrier.user.save()
    client = as_user(carrier.user)
    client.post(edit_url(organisation), organisation_data(organisation, acronym="ADH"))
    page = soup(client.get(organisation.get_absolute_url()))
    table = page.find("caption", string=lambda s: s and "Qui a modifié" in s).parent
    rows = table.select("tbody tr")
    assert len(rows) == 2  # creation by the factory, then the change
    latest = [text_of(td) for td in rows[0].find_all("td")]
    assert "Inès Roux" in latest[1]
    assert latest[2] == "Modification"
    assert "Sigle" in latest[3]
    assert "ADH" in latest[3]


# People and roles of a contract


def test_a_project_lead_opens_the_roles_page(as_user, contract, lead):
    instructor = RoleAssignmentFactory(contract=contract, funder_instructor=True, granted_by=lead)
    RoleAssignmentFactory(funder_instructor=True)  # another contract
    page = soup(as_user(lead).get(roles_url(contract)))
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["Personnes et rôles"]
    rows = page.select("main table tbody tr")
    assert len(rows) == 2
    assert lead.email in text_of(rows[0])  # chef·fe de projet first, in the roles' order
    row = next(r for r in rows if instructor.user.email in text_of(r))
    assert "Instructeur·rice d'un financeur" in text_of(row)
    assert str(instructor.organisation) in text_of(row)
    assert lead.get_full_name() in text_of(row)
    # A funder's instructors are the funder's business: no « Retirer » for the chef de projet.
    assert not row.find("form", action=revoke_url(instructor))
    assert "personne habilitée de ce financeur" in text_of(page.find("main"))


@pytest.mark.parametrize(
    "trait", ["prefect_delegate", "observer", "carrier", "funder_instructor", "citizen_council"]
)
def test_other_roles_get_403_on_the_roles_page(as_user, contract, trait):
    user = RoleAssignmentFactory(contract=contract, **{trait: True}).user
    client = as_user(user)
    assert client.get(roles_url(contract)).status_code == 403
    response = client.post(roles_url(contract), {"email": "x@example.org", "role": "observer"})
    assert response.status_code == 403
    assert mail.outbox == []


def test_a_project_lead_of_another_contract_gets_403(as_user, contract):
    other_lead = RoleAssignmentFactory().user
    assert as_user(other_lead).get(roles_url(contract)).status_code == 403


def test_anonymous_people_are_sent_to_login_from_the_roles_page(client, contract):
    assertRedirects(
        client.get(roles_url(contract)),
        f"/connexion/?next={roles_url(contract)}",
        fetch_redirect_response=False,
    )


def test_an_administrator_opens_the_roles_page(as_user, contract):
    assert as_user(UserFactory(admin=True)).get(roles_url(contract)).status_code == 200


def test_roles_page_of_an_unknown_contract_is_404(as_user):
    assert as_user(UserFactory(admin=True)).get("/contrats/inconnu/roles/").status_code == 404


def test_roles_page_queries(as_user, contract, lead, django_assert_max_num_queries):
    for trait in ["funder_instructor", "carrier", "observer", "prefect_delegate"] * 3:
        RoleAssignmentFactory(contract=contract, granted_by=lead, **{trait: True})
    OrganisationFactory.create_batch(10)
    client = as_user(lead)
    with django_assert_max_num_queries(10):
        response = client.get(roles_url(contract))
    assert len(soup(response).select("main table tbody tr")) == 13


def test_a_project_lead_invites_and_grants(as_user, contract, lead):
    caf = OrganisationFactory(funder=True)
    PartnerFactory(contract=contract, organisation=caf)
    response = as_user(lead).post(
        roles_url(contract),
        {
            "email": "Instructrice@example.org",
            "first_name": "Inès",
            "last_name": "Roux",
            "role": ContractRole.CARRIER,
            "organisation": caf.pk,
        },
        follow=True,
    )
    assertRedirects(response, roles_url(contract))
    assignment = RoleAssignment.objects.get(user__email="instructrice@example.org")
    assert (assignment.contract, assignment.role, assignment.organisation) == (
        contract,
        ContractRole.CARRIER,
        caf,
    )
    assert assignment.granted_by == lead
    assert assignment.user.get_full_name() == "Inès Roux"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["instructrice@example.org"]
    alert = text_of(soup(response).select_one(".fr-alert--success"))
    assert alert.startswith("Invitation envoyée à instructrice@example.org")
    assert set(Event.objects.values_list("verb", flat=True)) == {"user_invited", "role_granted"}


@pytest.mark.parametrize("role", [ContractRole.CARRIER])
def test_inviting_without_the_required_organisation_shows_the_error(as_user, contract, lead, role):
    response = as_user(lead).post(roles_url(contract), {"email": "a@example.org", "role": role})
    assert response.status_code == 200
    assert "s'exerce pour une organisation" in response.context["form"].errors["organisation"][0]
    assertContains(response, "s&#x27;exerce pour une organisation")
    assert mail.outbox == []
    assert not RoleAssignment.objects.filter(user__email="a@example.org").exists()


def test_service_errors_are_shown_in_the_form(as_user, contract, lead, monkeypatch):
    from django.core.exceptions import ValidationError

    from quartiers.access import services

    def refuse(**kwargs):
        raise ValidationError("Règle métier non respectée.")

    monkeypatch.setattr(services, "grant_role", refuse)
    response = as_user(lead).post(
        roles_url(contract), {"email": "a@example.org", "role": ContractRole.OBSERVER}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Règle métier non respectée."]
    assertContains(response, "Règle métier non respectée.")
    # The invitation and the grant are one transaction.
    assert not RoleAssignment.objects.filter(user__email="a@example.org").exists()


def test_invalid_email_is_refused(as_user, contract, lead):
    response = as_user(lead).post(
        roles_url(contract), {"email": "pas-une-adresse", "role": ContractRole.OBSERVER}
    )
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


def test_a_project_lead_revokes_a_role(as_user, contract, lead):
    observer = RoleAssignmentFactory(contract=contract, observer=True)
    client = as_user(lead)
    assert client.get(revoke_url(observer)).status_code == 405
    response = client.post(revoke_url(observer), follow=True)
    assertRedirects(response, roles_url(contract))
    assert not RoleAssignment.objects.filter(pk=observer.pk).exists()
    assertContains(response, "Rôle « observateur·rice » retiré")
    event = Event.objects.get(verb="role_revoked")
    assert (event.contract, event.actor) == (contract, lead)


def test_revoking_needs_the_right_to_manage_roles(as_user, contract):
    observer = RoleAssignmentFactory(contract=contract, observer=True)
    delegate = RoleAssignmentFactory(contract=contract, prefect_delegate=True).user
    assert as_user(delegate).post(revoke_url(observer)).status_code == 403
    assert RoleAssignment.objects.filter(pk=observer.pk).exists()


def test_revoking_a_role_of_another_contract_is_404(as_user, contract, lead):
    elsewhere = RoleAssignmentFactory(contract=ContractFactory(), observer=True)
    url = f"/contrats/{contract.slug}/roles/{elsewhere.pk}/retirer/"
    assert as_user(lead).post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=elsewhere.pk).exists()


def test_organisation_choices_are_the_contracts_organisations(as_user, contract, lead):
    partner = PartnerFactory(contract=contract, organisation=OrganisationFactory()).organisation
    carrier = RoleAssignmentFactory(contract=contract, carrier=True).organisation
    RoleAssignmentFactory(carrier=True)  # an association of another contract
    OrganisationFactory.create_batch(3)
    form = as_user(lead).get(roles_url(contract)).context["form"]
    assert set(form.fields["organisation"].queryset) == {partner, carrier}
    assert ContractRole.FUNDER_INSTRUCTOR not in dict(form.fields["role"].choices)


def test_an_administrator_chooses_among_every_organisation(as_user, contract):
    OrganisationFactory.create_batch(3)
    form = as_user(UserFactory(admin=True)).get(roles_url(contract)).context["form"]
    assert set(form.fields["organisation"].queryset) == set(Organisation.objects.all())


# Audit findings: each one reproduced, now refused


def test_a_lead_cannot_attach_someone_to_an_association_of_another_contract(
    as_user, contract, lead
):
    elsewhere = RoleAssignmentFactory(carrier=True)
    for email in [lead.email, "complice@example.org"]:
        response = as_user(lead).post(
            roles_url(contract),
            {
                "email": email,
                "role": ContractRole.CARRIER,
                "organisation": elsewhere.organisation.pk,
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["organisation"]
    assert list(elsewhere.organisation.members.all()) == [elsewhere.user]
    assert as_user(lead).get(edit_url(elsewhere.organisation)).status_code == 404
    assert mail.outbox == []


def test_a_lead_cannot_grant_on_another_contract(as_user, contract, lead):
    other = ContractFactory()
    client = as_user(lead)
    assert client.get(roles_url(other)).status_code == 403
    response = client.post(roles_url(other), {"email": lead.email, "role": "project_lead"})
    assert response.status_code == 403
    victim = RoleAssignmentFactory(contract=other, observer=True)
    assert client.post(revoke_url(victim)).status_code == 403
    assert RoleAssignment.objects.filter(pk=victim.pk).exists()


def test_a_lead_cannot_make_herself_instructor_of_a_funder(as_user, contract, lead):
    caf = OrganisationFactory(funder=True)
    PartnerFactory(contract=contract, organisation=caf)
    response = as_user(lead).post(
        roles_url(contract),
        {"email": lead.email, "role": ContractRole.FUNDER_INSTRUCTOR, "organisation": caf.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not RoleAssignment.objects.filter(role=ContractRole.FUNDER_INSTRUCTOR).exists()
    assert not caf.members.exists()


def test_a_lead_cannot_revoke_a_funders_instructor(as_user, contract, lead):
    instructor = RoleAssignmentFactory(contract=contract, funder_instructor=True)
    response = as_user(lead).post(revoke_url(instructor), follow=True)
    assertContains(response, "personne habilitée de ce financeur")
    assert RoleAssignment.objects.filter(pk=instructor.pk).exists()


def test_a_funder_admin_appoints_an_instructor_of_her_funder_only(as_user, contract):
    caf = OrganisationFactory(funder=True)
    PartnerFactory(contract=contract, organisation=caf)
    funder_admin = MembershipFactory(organisation=caf, funder_admin=True).user
    RoleAssignmentFactory(contract=contract, observer=True)
    client = as_user(funder_admin)
    page = client.get(roles_url(contract))
    assert page.status_code == 200
    assert len(soup(page).select("main table tbody tr")) == 0  # nobody else's roles
    form = page.context["form"]
    assert [r for r, _ in form.fields["role"].choices if r] == [ContractRole.FUNDER_INSTRUCTOR]
    assert set(form.fields["organisation"].queryset) == {caf}
    response = client.post(
        roles_url(contract),
        {
            "email": "ines@example.org",
            "role": ContractRole.FUNDER_INSTRUCTOR,
            "organisation": caf.pk,
        },
    )
    assertRedirects(response, roles_url(contract), fetch_redirect_response=False)
    instructor = RoleAssignment.objects.get(user__email="ines@example.org")
    assert instructor.granted_by == funder_admin
    assert client.post(revoke_url(instructor)).status_code == 302
    assert set(Event.objects.values_list("verb", flat=True)) >= {"role_granted", "role_revoked"}


def test_a_revoked_carrier_loses_membership_edit_and_access(as_user, contract, lead):
    association = OrganisationFactory(association=True)
    PartnerFactory(contract=contract, organisation=association)
    client = as_user(lead)
    client.post(
        roles_url(contract),
        {"email": "porteur@example.org", "role": "carrier", "organisation": association.pk},
    )
    assignment = RoleAssignment.objects.get(user__email="porteur@example.org")
    carrier = as_user(assignment.user)
    assert carrier.get(edit_url(association)).status_code == 200
    assert as_user(lead).post(revoke_url(assignment)).status_code == 302
    assert not association.members.filter(pk=assignment.user.pk).exists()
    carrier = as_user(assignment.user)
    assert carrier.get(edit_url(association)).status_code == 404
    assert carrier.post(edit_url(association), {"name": "Piratée"}).status_code == 404
    assert carrier.get(association.get_absolute_url()).status_code == 404
    assert Event.objects.filter(verb="role_revoked", contract=contract).exists()


def test_membership_alone_gives_access_to_the_organisation(as_user):
    membership = MembershipFactory()
    response = as_user(membership.user).get(membership.organisation.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, edit_url(membership.organisation))


def test_related_organisations_are_links_only_where_they_open(as_user, contract):
    state = OrganisationFactory(state=True)
    service = OrganisationFactory(name="ARS Auvergne-Rhône-Alpes", parent=state)
    instructor = RoleAssignmentFactory(
        contract=contract, role=ContractRole.FUNDER_INSTRUCTOR, organisation=state
    ).user
    page = soup(as_user(instructor).get(state.get_absolute_url()))
    assert service.name in text_of(page.find("main"))
    assert not page.find("a", href=service.get_absolute_url())  # it would answer 404
    assert as_user(instructor).get(service.get_absolute_url()).status_code == 404

    PartnerFactory(contract=contract, organisation=service, code="ARS")
    lead = RoleAssignmentFactory(contract=contract, role=ContractRole.PROJECT_LEAD).user
    page = soup(as_user(lead).get(service.get_absolute_url()))
    assert page.find("a", href=state.get_absolute_url())  # both take part in the contract


def test_a_carrier_cannot_call_its_association_the_state(as_user, carrier):
    organisation = carrier.organisation
    client = as_user(carrier.user)
    choices = soup(client.get(edit_url(organisation))).select("select[name=kind] option")
    offered = {option["value"] for option in choices}
    assert "association" in offered and not offered & {"state", "caf", "commune", "epci"}
    response = client.post(edit_url(organisation), organisation_data(organisation, kind="state"))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.kind != "state"


def test_a_public_institution_nature_is_shown_fixed_to_its_members(as_user):
    caf = OrganisationFactory(funder=True)
    member = MembershipFactory(organisation=caf).user
    page = soup(as_user(member).get(edit_url(caf)))
    assert [o["value"] for o in page.select("select[name=kind] option")] == ["caf"]
    assert page.select_one("select[name=kind]").has_attr("disabled")
    response = as_user(member).post(edit_url(caf), organisation_data(caf, kind="association"))
    assert response.status_code == 302
    caf.refresh_from_db()
    assert caf.kind == "caf"
