"""The register of decisions of a contract: numbering, writing, searching, exporting.

A decision is numbered per body and year (« COPIL-2026-014 ») when it is written: the body's
row is locked, so two decisions recorded at the same instant get two numbers, never the same
one. A number once given is never given again, nor removed: a decision that a later one
replaces keeps its entry (its text says by which).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.access.services import record_event
from quartiers.core import pdf, spreadsheets
from quartiers.governance.enums import DecisionKind, MeetingStatus
from quartiers.governance.models import Body, Decision, Meeting
from quartiers.governance.numbering import decision_number
from quartiers.governance.permissions import ensure_may_manage

PDF_TEMPLATE = "governance/register_pdf.html"
PDF_STYLESHEET = (pdf.PRINT_STYLESHEET, "governance/register_pdf.css")
# Kinds written by another app under its own rules of who decides (the programming's comité de
# pilotage, the FPH committee); the others are the chef de projet's.
_WRITTEN_UNDER_THEIR_OWN_RULES = {DecisionKind.FUNDING, DecisionKind.RESIDENTS_FUND}
HEADER = ["Numéro", "Date", "Instance", "Objet", "Intitulé", "Texte", "Engagement"]


def _allocate(meeting: Meeting) -> tuple[int, int, str]:
    """The next number of the meeting's body for the meeting's year (the body row locked)."""
    body = Body.objects.select_for_update().get(pk=meeting.body_id)
    year = meeting.date.year
    last = (
        Decision.objects.filter(body=body, year=year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    sequence = (last or 0) + 1
    return year, sequence, decision_number(body.code, year, sequence)


def _check_meeting_decides(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_related("body", "contract").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Cette réunion est annulée : elle ne prend pas de décision.")
    if meeting.date > timezone.localdate():
        raise ValidationError(
            f"La réunion a lieu le {meeting.date:%d/%m/%Y} : ses décisions s'enregistrent à "
            "partir de ce jour."
        )
    return meeting


@transaction.atomic
def write_decision(
    *, meeting: Meeting, title: str, text: str = "", kind=DecisionKind.FREE, engagement=None, by
) -> Decision:
    """A new numbered entry of the register, taken at `meeting`. The programming writes its
    funding decisions and the residents' fund its votes through here (`by` is then checked
    by their own rules)."""
    meeting = _check_meeting_decides(meeting)
    if kind not in _WRITTEN_UNDER_THEIR_OWN_RULES:
        ensure_may_manage(by, meeting.contract)
    if engagement is not None and engagement.contract_id != meeting.contract_id:
        raise ValidationError(
            {"engagement": "Cet engagement n'est pas un engagement de ce contrat."}
        )
    if kind == DecisionKind.ENGAGEMENT and engagement is None:
        raise ValidationError({"engagement": "Choisissez l'engagement que la décision modifie."})
    title = " ".join(title.split())[:300]
    if not title:
        raise ValidationError({"title": "Donnez l'intitulé de la décision."})
    year, sequence, number = _allocate(meeting)
    decision = Decision(
        contract=meeting.contract,
        body=meeting.body,
        meeting=meeting,
        year=year,
        sequence=sequence,
        number=number,
        decided_on=meeting.date,
        kind=kind,
        title=title,
        text=text.strip(),
        engagement=engagement,
        created_by=by,
    )
    decision._history_user = by
    decision.save()
    record_event(
        verb="decision_registered",
        summary=f"Décision {number} : {title}",
        contract=meeting.contract,
        actor=by,
    )
    return decision


def rewrite_decision(*, decision: Decision, title: str, text: str, by) -> None:
    """The text of a funding decision follows the programming's decisions it records (a
    funder's amount corrected at the same session); its number stays."""
    if decision.title == title and decision.text == text:
        return
    decision.title, decision.text = title[:300], text
    decision._history_user = by
    decision.save(update_fields=["title", "text"])


def export_rows(decisions) -> list[list]:
    return [
        [
            decision.number,
            decision.decided_on,
            decision.body.name,
            decision.get_kind_display(),
            decision.title,
            decision.text,
            f"n° {decision.engagement.number}" if decision.engagement else "",
        ]
        for decision in decisions.select_related("body", "engagement")
    ]


def export_register(contract, decisions, fmt: str, *, generated_on: datetime.date) -> bytes:
    title = f"Registre des décisions — {contract.name}"
    if fmt == "pdf":
        return pdf.render_pdf(
            template=PDF_TEMPLATE,
            stylesheet=PDF_STYLESHEET,
            context={
                "title": title,
                "contract": contract,
                "decisions": decisions.select_related("body", "meeting", "engagement"),
                "generated_on": generated_on,
            },
        )
    return spreadsheets.write(fmt, HEADER, export_rows(decisions), title="Registre")
