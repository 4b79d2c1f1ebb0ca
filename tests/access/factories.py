"""Factories of roles per contract. Situations are traits, not subclasses."""

import factory
from factory.django import DjangoModelFactory

from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.accounts.models import Membership
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    contract = factory.SubFactory(ContractFactory)
    role = ContractRole.PROJECT_LEAD
    organisation = None

    class Params:
        prefect_delegate = factory.Trait(role=ContractRole.PREFECT_DELEGATE)
        observer = factory.Trait(role=ContractRole.OBSERVER)
        citizen_council = factory.Trait(role=ContractRole.CITIZEN_COUNCIL)
        funder_instructor = factory.Trait(
            role=ContractRole.FUNDER_INSTRUCTOR,
            organisation=factory.SubFactory(OrganisationFactory, funder=True),
        )
        carrier = factory.Trait(
            role=ContractRole.CARRIER,
            organisation=factory.SubFactory(OrganisationFactory, association=True),
        )

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        """Who acts for an organisation belongs to it (as `services.grant_role` ensures)."""
        if create and obj.organisation_id:
            Membership.objects.get_or_create(user=obj.user, organisation=obj.organisation)
