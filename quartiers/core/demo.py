"""The demonstration: the real Loriol protocol plus fictitious people, one per role, and a
fictitious 2020-2022 programming (calls, applications, decisions, conventions, bilans).

Every person and association here is fictitious and says so in its name; the password is
public (README). Never load the demo on a production instance.
"""

from importlib import resources

from django.contrib.auth.hashers import make_password
from django.db import transaction

from quartiers.accounts import services as accounts
from quartiers.accounts.enums import ContractRole
from quartiers.contracts import services as contracts
from quartiers.core.demo_programming import DEMO_ASSOCIATION, DEMO_DOMAIN, load_programming
from quartiers.protocol_import import services as importer

DEMO_PROTOCOL = "protocole-coeur-de-loriol-2020-2022.txt"
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


def protocol_bytes() -> bytes:
    return resources.files("quartiers.protocol_import").joinpath("demo", DEMO_PROTOCOL).read_bytes()


@transaction.atomic
def load(*, apply: bool):
    """Import the protocol, publish it and create the demo people; returns the import report."""
    extraction = importer.extract_file(name=DEMO_PROTOCOL, data=protocol_bytes())
    report = importer.import_protocol(extraction=extraction, apply=apply)
    if not apply or report.contract is None:
        return report, []
    contract = report.contract
    contracts.publish_contract(contract=contract)
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
        accounts.grant_role(
            contract=contract, user=user, role=role, by=admin, organisation=organisation
        )
        people.append(user)
    load_programming(contract, people)
    return report, people
