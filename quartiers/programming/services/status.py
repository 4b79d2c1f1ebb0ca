"""The one place where allowed status changes are written, and status groups."""

from django.core.exceptions import ValidationError

from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.models import (
    Application,
    StatusChange,
)

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.UNDER_INSTRUCTION, S.DRAFT, S.WITHDRAWN},
    S.UNDER_INSTRUCTION: {S.EXAMINED, S.WITHDRAWN},
    S.EXAMINED: {S.DECIDED, S.WITHDRAWN},
    S.DECIDED: {S.CONVENTION_SIGNED, S.CLOSED},
    S.CONVENTION_SIGNED: {S.PAID},
    S.PAID: {S.REPORT_RECEIVED},
    S.REPORT_RECEIVED: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}


EDITABLE = {S.DRAFT}


def change_status(*, application: Application, to: str, by=None, comment: str = "") -> None:
    current = application.status
    if to not in TRANSITIONS[current]:
        raise ValidationError(f"Passage impossible de « {S(current).label} » à « {S(to).label} ».")
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        application=application, from_status=current, to_status=to, by=by, comment=comment
    )


EXAMINABLE = {S.UNDER_INSTRUCTION, S.EXAMINED}


DECIDABLE = {S.EXAMINED, S.DECIDED}


COUNCIL_OPINION_STATUSES = {S.SUBMITTED, S.UNDER_INSTRUCTION, S.EXAMINED}


DECIDED_STATUSES = {S.DECIDED, S.CONVENTION_SIGNED, S.PAID, S.REPORT_RECEIVED, S.CLOSED}


FUNDED_STATUSES = {S.CONVENTION_SIGNED, S.PAID}  # a bilan is expected
