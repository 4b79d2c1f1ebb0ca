"""Co-instruction and committees: funders' opinions, conseil citoyen, sessions, decisions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.core.formats import euros
from quartiers.governance import minutes, register
from quartiers.governance import services as governance_services
from quartiers.governance.enums import DecisionKind, MeetingStatus
from quartiers.governance.models import Decision as GovernanceDecision
from quartiers.governance.models import Meeting
from quartiers.programming import registering
from quartiers.programming.enums import (
    ApplicationStatus as S,
)
from quartiers.programming.enums import (
    CommitteeKind,
    DecisionOutcome,
)
from quartiers.programming.models import (
    Application,
    CallForProjects,
    CommitteeSession,
    CouncilOpinion,
    Decision,
    FunderOpinion,
    FundingRequest,
    TechnicalOpinion,
)
from quartiers.programming.services.status import (
    COUNCIL_OPINION_STATUSES,
    DECIDABLE,
    EXAMINABLE,
    INSTRUCTABLE,
    change_status,
    lock_application,
)


class StaleOpinion(ValidationError):
    pass


@transaction.atomic
def give_council_opinion(*, application: Application, opinion: str, comment: str = "", by):
    """The conseil citoyen's opinion, before the comité de pilotage decides (replaceable)."""
    lock_application(application)
    if application.status not in COUNCIL_OPINION_STATUSES:
        raise ValidationError("Le conseil citoyen donne son avis avant la décision.")
    record, _ = CouncilOpinion.objects.update_or_create(
        application=application, defaults={"opinion": opinion, "comment": comment, "by": by}
    )
    record_event(
        verb="council_opinion_given",
        summary=f"Avis du conseil citoyen sur « {application.title} » : "
        f"{record.get_opinion_display()}",
        contract=application.contract,
        actor=by,
    )
    return record


@transaction.atomic
def create_committee_session(
    *, call: CallForProjects, kind: str, held_on, by=None
) -> CommitteeSession:
    """A session of the call's comité technique or de pilotage: a meeting of the contract's
    body of that kind (`governance`), the one planned that day if there is one, and the call's
    dossier agenda, opinions or decisions. Idempotent: the call is locked and the session this
    committee already holds that day is returned (one a day)."""
    contract_services.ensure_not_archived(call.contract)
    if kind not in CommitteeKind.values:
        raise ValidationError("Instance inconnue.")
    CallForProjects.objects.select_for_update().get(pk=call.pk)  # one creation at a time
    existing = CommitteeSession.objects.filter(call=call, kind=kind, meeting__date=held_on).first()
    if existing is not None:
        return existing
    body = governance_services.committee_body(contract=call.contract, kind=kind)
    meeting = (
        Meeting.objects.filter(body=body, date=held_on, committee_session__isnull=True)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("pk")
        .first()
    )
    if meeting is None:
        meeting = Meeting.objects.create(
            contract=call.contract, body=body, date=held_on, created_by=by
        )
        minutes.add_approval_entries(meeting=meeting)
    session = CommitteeSession.objects.create(call=call, kind=kind, meeting=meeting)
    governance_services.append_agenda_point(
        meeting=meeting, title=f"Examen des dossiers de l'appel à projets « {call.title} »"
    )
    record_event(
        verb="committee_session_created",
        summary=f"Séance « {session} » de l'appel {call.year} créée",
        contract=call.contract,
        actor=by,
    )
    return session


@transaction.atomic
def save_funder_opinion(
    *,
    opinion: FunderOpinion,
    expected_version: int,
    by,
    verdict: str | None = None,
    proposed: Decimal | None = None,
    **values,
) -> FunderOpinion:
    """Optimistic locking: the write only happens if nobody saved since `expected_version`.

    `values` are FunderOpinion fields; the `opinion` field itself (favourable, reserved,
    unfavourable or "") is passed as `verdict`, since `opinion` names the instance; `proposed`
    is the amount the funder proposes, stored on the funding request.
    """
    if verdict is not None:
        values["opinion"] = verdict
    if lock_application(opinion.application).status not in INSTRUCTABLE:
        raise ValidationError("Ce dossier n'est plus en instruction.")
    if proposed is not None and proposed < 0:
        raise ValidationError({"proposed": "Un montant proposé est positif."})
    requested = opinion.request.requested
    if proposed is not None and proposed > requested:
        raise ValidationError(
            {
                "proposed": f"Le montant proposé ({euros(proposed)}) dépasse le montant demandé "
                f"par le porteur ({euros(requested)}) : proposez au plus {euros(requested)}."
            }
        )
    criteria = {str(c.pk): c for c in opinion.application.call.criteria.all()}
    for key, score in (values.get("scores") or {}).items():
        if key not in criteria or not 0 <= int(score) <= criteria[key].max_score:
            raise ValidationError("Note de grille hors barème.")
    updated = FunderOpinion.objects.filter(pk=opinion.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not updated:
        raise StaleOpinion(
            "Un autre instructeur a modifié cet avis entre-temps : rechargez la page, vos "
            "saisies n'ont pas été enregistrées."
        )
    opinion.refresh_from_db()
    # `update()` sends no signal: record the history row django-simple-history would have.
    FunderOpinion.history.bulk_history_create([opinion], update=True, default_user=by)
    request = opinion.request
    request.proposed = proposed
    request._history_user = by
    request.save(update_fields=["proposed"])
    return opinion


def grid_score(opinion: FunderOpinion, criteria=None) -> Decimal | None:
    """Weighted score out of 100 (pass the call's `criteria` to save a query per opinion)."""
    if criteria is None:
        criteria = opinion.application.call.criteria.all()
    criteria = list(criteria)
    if not criteria or not opinion.scores:
        return None
    total = sum(c.weight * c.max_score for c in criteria)
    got = sum(c.weight * int(opinion.scores.get(str(c.pk), 0)) for c in criteria)
    return (Decimal(100) * got / total).quantize(Decimal("0.1")) if total else None


@transaction.atomic
def record_technical_opinion(
    *,
    session: CommitteeSession,
    application: Application,
    opinion: str,
    comment="",
    by=None,
) -> TechnicalOpinion:
    if session.kind != CommitteeKind.TECHNICAL:
        raise ValidationError("Les avis sont rendus en comité technique.")
    _ensure_same_call(session, application)
    lock_application(application)
    if application.status not in EXAMINABLE:
        raise ValidationError("Le comité technique examine les dossiers en instruction.")
    record, _ = TechnicalOpinion.objects.update_or_create(
        session=session,
        application=application,
        defaults={"opinion": opinion, "comment": comment},
    )
    governance_services.mark_held(session.meeting, by=by)
    if application.status == S.UNDER_INSTRUCTION:
        change_status(application=application, to=S.EXAMINED, by=by)
    return record


@transaction.atomic
def record_decision(
    *,
    session: CommitteeSession,
    application: Application,
    funder,
    outcome: str,
    amount: Decimal = Decimal("0"),
    motivation: str = "",
    by=None,
) -> Decision:
    """The comité de pilotage's decision on what `application` asks `funder`.

    The amount granted is at most the amount requested (the carrier's budget is built on it:
    more would leave it unbalanced); it may exceed the instructor's proposal, the committee
    deciding. A refusal or an adjournment needs a motivation.
    """
    if session.kind != CommitteeKind.STEERING:
        raise ValidationError("Les décisions sont prises en comité de pilotage.")
    _ensure_same_call(session, application)
    lock_application(application)
    if application.status not in DECIDABLE:
        raise ValidationError("Le dossier doit avoir été examiné en comité technique.")
    _check_decision(outcome, amount, motivation)
    if outcome != DecisionOutcome.GRANTED:
        amount = Decimal("0")
    request = (
        FundingRequest.objects.select_for_update()
        .filter(application=application, funder=funder)
        .order_by("pk")  # no join: lock the request only
        .first()
    )
    if request is None:
        raise ValidationError(f"{funder} n'est pas sollicité par ce dossier.")
    if amount > request.requested:
        raise ValidationError(
            {
                "amount": f"Le montant accordé ({euros(amount)}) dépasse le montant demandé à "
                f"{funder} ({euros(request.requested)}) : accordez au plus "
                f"{euros(request.requested)}."
            }
        )
    previous = Decision.objects.filter(request=request).first()
    entry = _register_entry(session, application, by)
    decision, _ = Decision.objects.update_or_create(
        request=request,
        defaults={
            "session": session,
            "outcome": outcome,
            "motivation": motivation,
            "register_entry": entry,
        },
    )
    request.granted = amount
    request._history_user = by
    request.save(update_fields=["granted"])
    _rewrite_register_entry(entry, by)
    governance_services.mark_held(session.meeting, by=by)
    if previous is not None and previous.register_entry_id != entry.pk:
        _rewrite_register_entry(previous.register_entry, by, replaced_by=entry)
    if application.status == S.EXAMINED and _all_funders_decided(application):
        change_status(application=application, to=S.DECIDED, by=by)
    record_event(
        verb="decision_recorded",
        summary=f"« {application.title} » — {funder} : {decision.get_outcome_display()}"
        + (f" {euros(amount)}" if outcome == DecisionOutcome.GRANTED else ""),
        contract=application.contract,
        actor=by,
    )
    return decision


def _register_entry(session: CommitteeSession, application: Application, by):
    """The entry of the register holding this session's decisions on `application` (the
    first funder decided opens it, with the next number of the comité de pilotage)."""
    entry = (
        GovernanceDecision.objects.filter(
            funding_decisions__session=session,
            funding_decisions__request__application=application,
        )
        .order_by("pk")
        .first()
    )
    if entry is None:
        entry = register.write_decision(
            meeting=session.meeting,
            kind=DecisionKind.FUNDING,
            title=registering.entry_title(application.title, session.call.year),
            by=by,
        )
    return entry


def _rewrite_register_entry(entry, by, *, replaced_by=None) -> None:
    """The entry's text from the funding decisions it holds now; one whose decisions were all
    taken again at a later session says by which entry (its number is never reused)."""
    decisions = entry.funding_decisions.select_related("request__funder").order_by("request__pk")
    text = registering.entry_text(
        (d.request.funder.name, d.outcome, d.request.granted, d.motivation) for d in decisions
    )
    if not text and replaced_by is not None:
        text = f"Décision remplacée par la décision {replaced_by.number}."
    register.rewrite_decision(decision=entry, title=entry.title, text=text, by=by)


def _check_decision(outcome: str, amount: Decimal | None, motivation: str) -> None:
    """A granted subsidy has an amount; a refusal or an adjournment gives its reasons (the
    carrier reads them in the decision letter). Errors name the form's fields."""
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": "Choisissez une décision : accordé, refusé ou ajourné."})
    if outcome == DecisionOutcome.GRANTED and (amount is None or amount <= 0):
        raise ValidationError({"amount": "Une subvention accordée a un montant."})
    if outcome != DecisionOutcome.GRANTED and not (motivation or "").strip():
        label = DecisionOutcome(outcome).label
        raise ValidationError(
            {
                "motivation": f"Une décision « {label} » est motivée : écrivez les raisons que "
                "le porteur lira dans la lettre de décision."
            }
        )


def _ensure_same_call(session: CommitteeSession, application: Application) -> None:
    if session.call_id != application.call_id:
        raise ValidationError("Ce dossier ne relève pas de l'appel de cette séance.")


def _all_funders_decided(application: Application) -> bool:
    return not application.funding_requests.filter(decision__isnull=True).exists()
