"""Factories of people and organisations. Situations are traits, not subclasses."""

import factory
from factory.django import DjangoModelFactory, Password

from quartiers.accounts.models import Membership, Organisation, User
from quartiers.accounts.validators import luhn_ok
from quartiers.core.enums import OrganisationKind

PASSWORD = "motdepasse-de-test"


def with_luhn_key(digits: str) -> str:
    """`digits` followed by the key digit that makes the whole number pass Luhn."""
    return next(digits + key for key in "0123456789" if luhn_ok(digits + key))


def siret(n: int) -> str:
    """A valid SIRET: a Luhn-valid SIREN, then an establishment number keeping Luhn valid."""
    siren = with_luhn_key(f"{(12345678 + n * 7919) % 10**8:08d}")
    return with_luhn_key(f"{siren}{n % 10**4:04d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    password = Password(PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True)
        admin = factory.Trait(is_staff=True, is_superuser=True)
        invited = factory.Trait(password="!")  # no usable password yet


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation n° {n}")
    kind = OrganisationKind.OTHER
    siret = factory.Sequence(siret)

    class Params:
        funder = factory.Trait(
            name=factory.Sequence(lambda n: f"Caisse d'allocations familiales {n}"),
            acronym="CAF",
            kind=OrganisationKind.CAF,
        )
        association = factory.Trait(
            name=factory.Sequence(lambda n: f"Association des habitants {n}"),
            kind=OrganisationKind.ASSOCIATION,
            rna=factory.Sequence(lambda n: f"W26{n:07d}"),
        )
        state = factory.Trait(name="Préfecture de la Drôme", kind=OrganisationKind.STATE)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
