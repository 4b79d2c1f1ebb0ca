"""The demonstration: the real Loriol protocol plus fictitious people, one per role.

Every person here is fictitious and says so in their name; the password is public
(README). Never load the demo on a production instance.
"""

from importlib import resources

from django.db import transaction

from quartiers.accounts import services as accounts
from quartiers.accounts.enums import ContractRole
from quartiers.contracts import services as contracts
from quartiers.protocol_import import services as importer

DEMO_PROTOCOL = "protocole-coeur-de-loriol-2020-2022.txt"
DEMO_PASSWORD = "quartiers-demo"
DEMO_DOMAIN = "demo.quartiers.invalid"

# (local part, first name, role, partner code of the organisation it acts for)
DEMO_PEOPLE = [
    ("cheffe-de-projet", "Camille", ContractRole.PROJECT_LEAD, None),
    ("delegue-prefet", "Dominique", ContractRole.PREFECT_DELEGATE, None),
    ("instructrice-caf", "Inès", ContractRole.FUNDER_INSTRUCTOR, "CAF"),
    ("porteur", "Pascal", ContractRole.CARRIER, None),
    ("conseil-citoyen", "Chloé", ContractRole.CITIZEN_COUNCIL, None),
    ("observateur", "Olivier", ContractRole.OBSERVER, None),
]
DEMO_ASSOCIATION = "Association fictive « Vivre ensemble au cœur » (démo)"


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
    admin = accounts.ensure_user(
        email=f"admin@{DEMO_DOMAIN}",
        password=DEMO_PASSWORD,
        first_name="Alex",
        last_name="Administrateur (fictif)",
        is_staff=True,
        is_superuser=True,
    )
    association = accounts.demo_organisation(name=DEMO_ASSOCIATION)
    people = [admin]
    for local, first_name, role, partner_code in DEMO_PEOPLE:
        user = accounts.ensure_user(
            email=f"{local}@{DEMO_DOMAIN}",
            password=DEMO_PASSWORD,
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
    return report, people
