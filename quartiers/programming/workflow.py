"""The application's life cycle in one place: allowed transitions and named status groups.

Nothing else in the programming writes a set of statuses: models, services, permissions,
views and template tags read these names (`services.status.change_status` applies them).
"""

from quartiers.programming.enums import ApplicationStatus as S

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.UNDER_INSTRUCTION, S.DRAFT, S.WITHDRAWN, S.COMPLEMENT_REQUESTED},
    # back to where the request found it (`ComplementRequest.from_status`) once resubmitted
    S.COMPLEMENT_REQUESTED: {S.SUBMITTED, S.UNDER_INSTRUCTION, S.WITHDRAWN},
    S.UNDER_INSTRUCTION: {S.EXAMINED, S.WITHDRAWN, S.COMPLEMENT_REQUESTED},
    S.EXAMINED: {S.DECIDED, S.WITHDRAWN},
    S.DECIDED: {S.CONVENTION_SIGNED, S.CLOSED},
    S.CONVENTION_SIGNED: {S.PAID},
    S.PAID: {S.REPORT_RECEIVED},
    S.REPORT_RECEIVED: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: {S.DRAFT, S.SUBMITTED},  # restored (`RESTORABLE`), until the deadline
}

EDITABLE = frozenset({S.DRAFT})  # the carrier edits the content, the budget, the attachments
NOT_SUBMITTED = frozenset({S.DRAFT, S.WITHDRAWN})  # not in the call's programming
INSTRUCTABLE = frozenset({S.SUBMITTED, S.UNDER_INSTRUCTION})  # funders give their opinion
COMPLEMENT_ASKABLE = INSTRUCTABLE  # an instructor may ask the carrier for a complement
CORRECTABLE = frozenset({S.COMPLEMENT_REQUESTED})  # the carrier corrects the points asked
COUNCIL_OPINION_STATUSES = frozenset(
    {S.SUBMITTED, S.COMPLEMENT_REQUESTED, S.UNDER_INSTRUCTION, S.EXAMINED}
)
EXAMINABLE = frozenset({S.UNDER_INSTRUCTION, S.EXAMINED})  # by the comité technique
DECIDABLE = frozenset({S.EXAMINED, S.DECIDED})  # by the comité de pilotage
# A committee session's agenda: by default the dossiers waiting for this committee (in
# instruction not yet examined; examined without decision); may hold any it can examine.
WAITING_FOR_TECHNICAL = frozenset({S.UNDER_INSTRUCTION})
WAITING_FOR_STEERING = frozenset({S.EXAMINED})
DECIDED_STATUSES = frozenset({S.DECIDED, S.CONVENTION_SIGNED, S.PAID, S.REPORT_RECEIVED, S.CLOSED})
CONVENTION_STATUSES = frozenset({S.DECIDED, S.CONVENTION_SIGNED})  # a convention may be signed
PAYABLE = frozenset({S.CONVENTION_SIGNED, S.PAID, S.REPORT_RECEIVED})  # payments are recorded
FUNDED_STATUSES = frozenset({S.CONVENTION_SIGNED, S.PAID})  # a bilan is expected
REPORT_STATUSES = FUNDED_STATUSES | {S.REPORT_RECEIVED}  # the bilan page has a form or a bilan
# A withdrawn dossier is restored, while its call accepts deposits, to the status it was
# withdrawn from when that is one of these (a draft stays a draft, a filed dossier is filed
# again); otherwise to a draft.
RESTORABLE = frozenset({S.DRAFT, S.SUBMITTED})


def is_settled(funding_requests) -> bool:
    """Every funding request is paid what its convention commits (nothing left to pay)."""
    return all(request.paid == request.committed for request in funding_requests)


def status_label(status: str, *, funding_requests=()) -> str:
    """The words for an application's status, true about money: a dossier in payment reads
    « acompte versé » until every funding request is paid in full, then « soldé »
    (`funding_requests` is only read for that status)."""
    if status == S.PAID:
        return "soldé" if is_settled(funding_requests) else "acompte versé"
    return S(status).label
