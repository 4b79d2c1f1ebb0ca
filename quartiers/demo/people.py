"""The demo's fictitious people: an administrator, then one person per contract role.

The password is public (README): never load the demo on a production instance.
"""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.accounts.models import Organisation, User
from quartiers.core.enums import OrganisationKind
from quartiers.demo.catalogue import DEMO_ASSOCIATION, DEMO_DOMAIN

DEMO_PASSWORD = "quartiers-demo"

# (local part, first name, role, partner code of the organisation it acts for)
DEMO_PEOPLE = [
    ("cheffe-de-projet", "Camille", ContractRole.PROJECT_LEAD, None),
    ("delegue-prefet", "Dominique", ContractRole.PREFECT_DELEGATE, None),
    ("instructrice-caf", "Inès", ContractRole.FUNDER_INSTRUCTOR, "CAF"),
    ("instructeur-etat", "Étienne", ContractRole.FUNDER_INSTRUCTOR, "ETAT"),
    ("porteur", "Pascal", ContractRole.CARRIER, None),
    ("conseil-citoyen", "Chloé", ContractRole.CITIZEN_COUNCIL, None),
    ("observateur", "Olivier", ContractRole.OBSERVER, None),
]


def association(name: str) -> Organisation:
    """A fictitious association, created unless it exists."""
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"kind": OrganisationKind.ASSOCIATION}
    )
    return organisation


def _demo_user(*, email: str, password_hash: str, **fields) -> User:
    """The person, created unless they exist, with the public demo password hashed once for
    everyone (the hasher is deliberately slow: one shared hash keeps `load_demo` fast)."""
    user, _ = User.objects.get_or_create(  # `date_joined` on the demo's clock, not the real one
        email=email,
        defaults={**fields, "password": password_hash, "date_joined": timezone.now()},
    )
    if not user.has_usable_password():
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def create_people(contract) -> list:
    """The administrator, then `DEMO_PEOPLE` with their roles on `contract`, in that order."""
    password_hash = make_password(DEMO_PASSWORD)
    admin = _demo_user(
        email=f"admin@{DEMO_DOMAIN}",
        password_hash=password_hash,
        first_name="Alex",
        last_name="Administrateur (fictif)",
        is_staff=True,
        is_superuser=True,
    )
    carrier = association(DEMO_ASSOCIATION)
    people = [admin]
    for local, first_name, role, partner_code in DEMO_PEOPLE:
        user = _demo_user(
            email=f"{local}@{DEMO_DOMAIN}",
            password_hash=password_hash,
            first_name=first_name,
            last_name="Démo (fictif)",
            is_staff=role == ContractRole.PROJECT_LEAD,
        )
        organisation = None
        if partner_code:
            organisation = contract.partners.get(code=partner_code).organisation
        elif role == ContractRole.CARRIER:
            organisation = carrier
        access.grant_role(
            contract=contract, user=user, role=role, by=admin, organisation=organisation
        )
        people.append(user)
    return people
