"""The demo's fictitious people: an administrator, then one person per contract role.

The password is public (README): never load the demo on a production instance.
"""

from django.contrib.auth.hashers import make_password

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.accounts import services as accounts
from quartiers.core.demo.catalogue import DEMO_ASSOCIATION, DEMO_DOMAIN

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


def _demo_user(*, email: str, password_hash: str, **fields):
    """`accounts.ensure_user` without hashing the public demo password once per person (the
    hasher is deliberately slow: one hash, shared, keeps `load_demo` fast)."""
    user = accounts.ensure_user(email=email, password=None, **fields)
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
    association = accounts.demo_organisation(name=DEMO_ASSOCIATION)
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
            organisation = association
        access.grant_role(
            contract=contract, user=user, role=role, by=admin, organisation=organisation
        )
        people.append(user)
    return people
