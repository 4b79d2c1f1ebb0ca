"""Load the demonstration: import and publish the Loriol protocol, create the people and the
programming. `load_demo` runs `load`."""

from importlib import resources

from django.db import transaction

from quartiers.contracts import services as contracts
from quartiers.demo.people import create_people
from quartiers.demo.programming import load_programming
from quartiers.protocol_import import services as importer

DEMO_PROTOCOL = "protocole-coeur-de-loriol-2020-2022.txt"


def protocol_bytes() -> bytes:
    return resources.files("quartiers.demo").joinpath("data", DEMO_PROTOCOL).read_bytes()


@transaction.atomic
def load(*, apply: bool):
    """Import the protocol, publish it, create the people and the programming; returns the
    import report and the people (none on a dry run)."""
    run = importer.apply_import if apply else importer.preview_import
    report = run(name=DEMO_PROTOCOL, data=protocol_bytes())
    if not apply or report.contract is None:
        return report, []
    contract = report.contract
    contracts.publish_contract(contract=contract)
    people = create_people(contract)
    load_programming(contract, people)
    return report, people
