"""Load the demonstration: import and publish the Loriol protocol, create the people, the
programming and the conseil citoyen. `load_demo` runs `load`."""

import datetime
from importlib import resources

from django.db import transaction
from django.utils import timezone

from quartiers.contracts import services as contracts
from quartiers.demo.applications import on
from quartiers.demo.calendar import DemoCalendar
from quartiers.demo.clock import frozen_at
from quartiers.demo.governance import hold_steering_meetings, plan_workshop, seat_members
from quartiers.demo.participation import load_participation, load_residents_fund
from quartiers.demo.people import create_people
from quartiers.demo.programming import load_programming
from quartiers.protocol_import import services as importer

DEMO_PROTOCOL = "protocole-coeur-de-loriol-2020-2022.txt"


def protocol_bytes() -> bytes:
    return resources.files("quartiers.demo").joinpath("data", DEMO_PROTOCOL).read_bytes()


@transaction.atomic
def load(*, apply: bool):
    """Import the protocol, publish it, create the people and the programming; returns the
    import report and the people (none on a dry run).

    Everything is dated from today (`calendar.py`): the protocol is imported and the people
    receive their roles on the demo's first day, the programming follows."""
    if not apply:
        return importer.preview_import(name=DEMO_PROTOCOL, data=protocol_bytes()), []
    today = timezone.localdate()
    with frozen_at(on(DemoCalendar(today).start, 9)):
        report = importer.apply_import(name=DEMO_PROTOCOL, data=protocol_bytes())
        if report.contract is None:
            return report, []
        contract = report.contract
        if not contract.is_published:
            contracts.publish_contract(contract=contract)
        people = create_people(contract)
        seat_members(contract, people)
    with frozen_at(on(today - datetime.timedelta(days=2), 10)):  # planned two days ago
        plan_workshop(contract, people, today)
    load_programming(contract, people)
    hold_steering_meetings(contract, people, today)
    load_participation(contract, people, today)
    load_residents_fund(contract, people, today)
    return report, people
