"""The demonstration: the real Loriol protocol plus fictitious people, one per role, and a
fictitious 2020-2022 programming (calls, applications, decisions, conventions, bilans).

Every person and association here is fictitious and says so in its name; the password is
public (README). Never load the demo on a production instance.

- `people`: the administrator and one person per role (`DEMO_PEOPLE`, `DEMO_PASSWORD`);
- `catalogue`: the fictitious associations, their actions and each year's fates;
- `applications`: one application's steps, from the draft to the closing;
- `programming`: the calls and the year-by-year generation (`load_programming`).
"""

from importlib import resources

from django.db import transaction

from quartiers.contracts import services as contracts
from quartiers.core.demo.catalogue import DEMO_ASSOCIATION, DEMO_DOMAIN
from quartiers.core.demo.people import DEMO_PASSWORD, DEMO_PEOPLE, create_people
from quartiers.core.demo.programming import load_programming
from quartiers.protocol_import import services as importer

__all__ = [
    "DEMO_ASSOCIATION",
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "DEMO_PEOPLE",
    "DEMO_PROTOCOL",
    "load",
    "load_programming",
    "protocol_bytes",
]

DEMO_PROTOCOL = "protocole-coeur-de-loriol-2020-2022.txt"


def protocol_bytes() -> bytes:
    return resources.files("quartiers.protocol_import").joinpath("demo", DEMO_PROTOCOL).read_bytes()


@transaction.atomic
def load(*, apply: bool):
    """Import the protocol, publish it and create the demo people; returns the import report."""
    run = importer.apply_import if apply else importer.preview_import
    report = run(name=DEMO_PROTOCOL, data=protocol_bytes())
    if not apply or report.contract is None:
        return report, []
    contract = report.contract
    contracts.publish_contract(contract=contract)
    people = create_people(contract)
    load_programming(contract, people)
    return report, people
