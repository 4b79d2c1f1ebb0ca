"""A committee session as a meeting: its agenda (« ordre du jour ») and the table of its
opinions (comité technique) or decisions (comité de pilotage), saved at once.

Both writes lock the session row first and check the version the form was prepared on: two
people saving the same session at once, the second is told to reload (nothing of hers is
written). The rules of one opinion or one decision stay in `instruction`
(`record_technical_opinion`, `record_decision`); a table is all its rows or nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.programming.enums import CommitteeKind
from quartiers.programming.models import (
    AgendaItem,
    Application,
    CommitteeSession,
    Decision,
    TechnicalOpinion,
)
from quartiers.programming.services.instruction import record_decision, record_technical_opinion
from quartiers.programming.services.status import (
    DECIDABLE,
    EXAMINABLE,
    WAITING_FOR_STEERING,
    WAITING_FOR_TECHNICAL,
)

STALE = (
    "Quelqu'un a enregistré cette séance pendant que vous la prépariez : rechargez la page, "
    "vos saisies n'ont pas été enregistrées."
)
AGENDA_CLOSED = (
    "Des avis ou décisions de cette séance sont enregistrés : son ordre du jour ne change plus."
)


class StaleSession(ValidationError):
    pass


class RowErrors(ValidationError):
    """Some rows of a session's table were refused; `rows` maps each row's key to its error.
    Nothing of the table was written."""

    def __init__(self, rows: dict):
        self.rows = rows
        count = len(rows)
        super().__init__(
            f"{count} ligne{'s' if count > 1 else ''} à corriger : rien n'a été enregistré."
        )


def waiting_statuses(session: CommitteeSession) -> frozenset:
    """The statuses of the dossiers waiting for this session (its default agenda)."""
    if session.kind == CommitteeKind.TECHNICAL:
        return WAITING_FOR_TECHNICAL
    return WAITING_FOR_STEERING


def examinable_statuses(session: CommitteeSession) -> frozenset:
    """The statuses of the dossiers this session may put on its agenda and rule on."""
    return EXAMINABLE if session.kind == CommitteeKind.TECHNICAL else DECIDABLE


def agenda_applications(session: CommitteeSession):
    """The dossiers on the session's agenda: those chosen, or (none chosen yet) those waiting
    for it. One query when evaluated."""
    applications = Application.objects.for_call(session.call_id).submitted()
    if session.agenda.exists():
        return applications.filter(agenda_items__session=session)
    return applications.filter(status__in=waiting_statuses(session))


def has_records(session: CommitteeSession) -> bool:
    """The session recorded an opinion or a decision: its agenda is closed."""
    if session.kind == CommitteeKind.TECHNICAL:
        return TechnicalOpinion.objects.filter(session=session).exists()
    return Decision.objects.filter(session=session).exists()


def _lock_session(session: CommitteeSession, expected_version: int | None) -> None:
    """Lock the session's row (before any dossier) and claim the next version."""
    current = (
        CommitteeSession.objects.select_for_update(of=("self",))
        .values_list("version", flat=True)
        .get(pk=session.pk)
    )
    if expected_version is not None and current != expected_version:
        raise StaleSession(STALE, code="stale")
    CommitteeSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    session.version = current + 1


@transaction.atomic
def set_agenda(
    *, session: CommitteeSession, applications, expected_version: int | None = None, by=None
) -> CommitteeSession:
    """The dossiers the session examines (replaces the agenda; history kept per item)."""
    contract_services.ensure_not_archived(session.call.contract)
    _lock_session(session, expected_version)
    if has_records(session):
        raise ValidationError(AGENDA_CLOSED, code="closed")
    applications = list(applications)
    if not applications:
        raise ValidationError("Choisissez au moins un dossier pour l'ordre du jour.")
    allowed = examinable_statuses(session)
    for application in applications:
        if application.call_id != session.call_id:
            raise ValidationError("Ce dossier ne relève pas de l'appel de cette séance.")
        if application.status not in allowed:
            raise ValidationError(
                f"« {application.title} » ({application.get_status_display()}) ne peut pas "
                f"être examiné par ce {session.get_kind_display()}."
            )
    wanted = {application.pk for application in applications}
    current = {item.application_id: item for item in AgendaItem.objects.filter(session=session)}
    for application_id, item in current.items():
        if application_id not in wanted:
            item._history_user = by
            item.delete()
    for application in applications:
        if application.pk not in current:
            item = AgendaItem(session=session, application=application)
            item._history_user = by
            item.save()
    record_event(
        verb="committee_agenda_set",
        summary=f"Ordre du jour de la séance « {session} » : {len(wanted)} dossier"
        + ("s" if len(wanted) > 1 else ""),
        contract=session.call.contract,
        actor=by,
    )
    return session


@transaction.atomic
def record_session_decisions(
    *, session: CommitteeSession, rows: dict, expected_version: int | None = None, by=None
) -> int:
    """The comité de pilotage's decisions, all at once: `rows` maps a row key to the keyword
    arguments of `record_decision` (application, funder, outcome, amount, motivation). Every
    row is checked; if any is refused, `RowErrors` names them and nothing is written. Returns
    how many decisions were recorded."""
    contract_services.ensure_not_archived(session.call.contract)
    if session.kind != CommitteeKind.STEERING:
        raise ValidationError("Les décisions sont prises en comité de pilotage.")
    return _record_rows(session, rows, expected_version, by, record_decision)


@transaction.atomic
def record_session_opinions(
    *, session: CommitteeSession, rows: dict, expected_version: int | None = None, by=None
) -> int:
    """The comité technique's opinions, all at once: `rows` maps a row key to the keyword
    arguments of `record_technical_opinion` (application, opinion, comment); all or nothing."""
    contract_services.ensure_not_archived(session.call.contract)
    if session.kind != CommitteeKind.TECHNICAL:
        raise ValidationError("Les avis sont rendus en comité technique.")
    return _record_rows(session, rows, expected_version, by, record_technical_opinion)


def _record_rows(session, rows, expected_version, by, record) -> int:
    _lock_session(session, expected_version)
    if not session.agenda.exists():
        # The default agenda (what waits) is fixed by the first save: the dossiers ruled on
        # stop waiting, they stay on this session's agenda.
        for application in agenda_applications(session):
            item = AgendaItem(session=session, application=application)
            item._history_user = by
            item.save()
    errors = {}
    for key, values in rows.items():
        try:
            record(session=session, by=by, **values)  # its own savepoint
        except ValidationError as error:
            errors[key] = error
    if errors:
        raise RowErrors(errors)  # rolls back every row and the version
    return len(rows)
