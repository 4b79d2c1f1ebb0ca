"""The one place where a status changes (the transitions and groups are in `workflow`), and
the lock every write to an application takes first."""

from django.core.exceptions import ValidationError

from quartiers.contracts import services as contract_services
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.models import (
    Application,
    StatusChange,
)
from quartiers.programming.workflow import (  # noqa: F401  (the groups, next to the transitions)
    COMPLEMENT_ASKABLE,
    CONVENTION_STATUSES,
    CORRECTABLE,
    COUNCIL_OPINION_STATUSES,
    DECIDABLE,
    DECIDED_STATUSES,
    EDITABLE,
    EXAMINABLE,
    FUNDED_STATUSES,
    INSTRUCTABLE,
    NOT_SUBMITTED,
    PAYABLE,
    RESTORABLE,
    TRANSITIONS,
    WAITING_FOR_STEERING,
    WAITING_FOR_TECHNICAL,
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


def lock_application(application: Application) -> Application:
    """Lock the application's row until the end of the transaction and re-read its status
    under the lock; returns `application`, its `status` now current.

    Every service that writes to an application or its money calls this first, inside
    `transaction.atomic` and before locking anything else (the application, then its funding
    requests), so two writers of one dossier take their turns and the second sees what the
    first did (a submission, a convention, a payment). A dossier of an archived contract is
    read-only. On SQLite, where `select_for_update`
    does nothing, the `IMMEDIATE` transactions of the settings serialise the writers.
    """
    contract_services.ensure_not_archived(application.contract)
    application.status = (
        Application.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=application.pk)
    )
    return application
