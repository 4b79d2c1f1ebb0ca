"""`{% followup_panel application %}`: what happens after the decision, on the application page.

Decisions (per funder), decision letter, conventions and payments, money per funder, the bilan
(due date, received, link to file it) and the missing-bilan dérogation. Reads `request.user`
from the page's context; a constant number of queries whatever the number of funders.
"""

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from quartiers.programming import permissions, services
from quartiers.programming.forms.followup import OverrideForm
from quartiers.programming.models import FinalReport, Payment

register = template.Library()


@register.inclusion_tag("programming/followup/_panel.html", takes_context=True)
def followup_panel(context, application):
    user = context["request"].user
    contract = application.contract
    status = application.status
    steering = permissions.can_run_committees(user, contract)
    is_carrier = permissions.is_carrier(user, application)
    decided = status in services.DECIDED_STATUSES
    instructs = bool(permissions.instructed_funders(user, application))

    decisions = services.decisions_of(application) if decided or steering or instructs else []
    conventions = []
    if decided:
        conventions = list(
            application.conventions.order_by("signed_on", "pk").prefetch_related(
                "requests__funder",
                Prefetch("payments", queryset=Payment.objects.select_related("request__funder")),
            )
        )
    payable = {c.pk for c in conventions if permissions.payable_funders(user, c)}
    can_manage = permissions.can_manage_conventions(user, contract)
    rows = services.ledger(application) if status not in services.EDITABLE else []
    uncommitted = [row for row in rows if row.granted > row.committed]
    report = FinalReport.objects.filter(application=application).first() if decided else None
    due_on = services.report_due_on(application)
    expects_report = status in services.FUNDED_STATUSES and report is None

    can_override = permissions.can_override_report_block(user, application)
    missing = (
        services.missing_reports(application.carrier)
        if status in services.EDITABLE and (is_carrier or can_override)
        else []
    )
    return {
        "request": context["request"],  # the confirmation of post_button reads it
        "application": application,
        "show": bool(decisions or conventions or rows or missing or application.report_override),
        "decided": decided,
        "decisions": decisions,
        "letter": decided
        and bool(decisions)
        and permissions.can_view_decision_letter(user, application),
        "can_notify": decided and bool(decisions) and steering,
        "conventions": conventions,
        "any_granted": any(d.is_granted for d in decisions),
        "payable": payable,
        "can_add_convention": can_manage
        and status in services.CONVENTION_STATUSES
        and bool(uncommitted),
        "rows": rows,
        "ledger_link": bool(rows) and permissions.can_view_ledger(user, application),
        "report": report,
        "due_on": due_on,
        "expects_report": expects_report,
        "overdue": expects_report and due_on is not None and due_on < timezone.localdate(),
        "can_file_report": expects_report and permissions.can_file_report(user, application),
        "missing": missing,
        "override_form": OverrideForm()
        if can_override and missing and not application.report_override
        else None,
        "is_carrier": is_carrier,
    }
