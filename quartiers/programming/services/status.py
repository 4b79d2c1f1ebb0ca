"""The one place where a status changes (the transitions and groups are in `workflow`)."""

from django.core.exceptions import ValidationError

from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.models import (
    Application,
    StatusChange,
)
from quartiers.programming.workflow import (  # noqa: F401  (the groups, next to the transitions)
    CONVENTION_STATUSES,
    COUNCIL_OPINION_STATUSES,
    DECIDABLE,
    DECIDED_STATUSES,
    EDITABLE,
    EXAMINABLE,
    FUNDED_STATUSES,
    INSTRUCTABLE,
    NOT_SUBMITTED,
    PAYABLE,
    TRANSITIONS,
)


def change_status(*, application: Application, to: str, by=None, comment: str = "") -> None:
    current = application.status
    if to not in TRANSITIONS[current]:
        raise ValidationError(f"Passage impossible de « {S(current).label} » à « {S(to).label} ».")
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        application=application, from_status=current, to_status=to, by=by, comment=comment
    )
