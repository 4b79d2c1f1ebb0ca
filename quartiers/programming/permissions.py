"""Who may do what in the programming. Deny by default; views, API and admin use these."""

from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.access.permissions import (
    STEERING,
    can_run_committees,
    contract_roles,
    is_admin,
    role_organisations,
)
from quartiers.programming.enums import ApplicationStatus, CallStatus, ComplementSection
from quartiers.programming.workflow import (
    COMPLEMENT_ASKABLE,
    CORRECTABLE,
    EDITABLE,
    INSTRUCTABLE,
    TRANSITIONS,
)


def can_view_call(user, call) -> bool:
    contract = call.contract
    if call.status == CallStatus.DRAFT:  # a call in preparation is its managers' business
        return can_manage_calls(user, contract)
    return is_admin(user) or bool(contract_roles(user, contract)) or contract.is_published


def can_manage_calls(user, contract) -> bool:
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_manage_call(user, call) -> bool:
    """`can_manage_calls` for the contract of `call` (edit, open, copy, start instruction)."""
    return can_manage_calls(user, call.contract)


def carrier_organisations(user, contract) -> set[int]:
    return role_organisations(user, contract, ContractRole.CARRIER)


def funder_organisations(user, contract) -> set[int]:
    return role_organisations(user, contract, ContractRole.FUNDER_INSTRUCTOR)


def can_apply(user, call) -> bool:
    return bool(carrier_organisations(user, call.contract))


def _requested_funders(application) -> set[int]:
    """The funders the application asks: those of its funding requests (read once)."""
    cached = application.__dict__.get("_requested_funders")
    if cached is None:
        cached = set(application.funding_requests.values_list("funder_id", flat=True))
        application.__dict__["_requested_funders"] = cached
    return cached


def is_carrier(user, application) -> bool:
    """Whether `user` acts for the organisation carrying `application`."""
    return application.carrier_id in carrier_organisations(user, application.contract)


def can_view_application(user, application) -> bool:
    contract = application.contract
    if is_admin(user):
        return True
    if is_carrier(user, application):
        return True
    if application.status in EDITABLE:
        # A draft is the carrier's own business, unless a missing bilan blocks it: the chef de
        # projet then needs to see it to grant (or not) a dérogation.
        return can_override_report_block(user, application) and _blocked_by_missing_report(
            application
        )
    roles = contract_roles(user, contract)
    if roles & (STEERING | {ContractRole.CITIZEN_COUNCIL, ContractRole.OBSERVER}):
        return True
    return bool(instructed_funders(user, application))


def _blocked_by_missing_report(application) -> bool:
    from quartiers.programming.services import missing_reports

    return bool(missing_reports(application.carrier))


def can_view_personal_data(user, application) -> bool:
    """Attachments (the RIB among them) and the contact's e-mail and phone: the carrier, the
    steering roles and the instructors of the funders asked; not the conseil citoyen nor
    observers, who read the action, its budget and the opinions meant for them."""
    return (
        is_admin(user)
        or is_carrier(user, application)
        or bool(contract_roles(user, application.contract) & STEERING)
        or bool(instructed_funders(user, application))
    )


def can_view_receipt(user, application) -> bool:
    """The accusé de réception (reference, amounts asked, who filed): whoever sees the
    dossier's personal data (its carrier, the steering roles, the instructors of the funders
    asked); not the conseil citoyen nor observers."""
    return can_view_personal_data(user, application)


def can_edit_application(user, application) -> bool:
    """The carrier edits a draft, or the sections a complement request reopened."""
    return bool(editable_sections(user, application))


def editable_sections(user, application) -> frozenset[str]:
    """The sections of the dossier `user` may change now (all of a draft, those asked by an
    open complement request, none otherwise or for anyone but the carrier)."""
    if application.status not in EDITABLE | CORRECTABLE or not is_carrier(user, application):
        return frozenset()
    from quartiers.programming.services.complements import editable_sections as sections

    cached = application.__dict__.get("_editable_sections")
    if cached is None:
        cached = application.__dict__["_editable_sections"] = sections(application)
    return cached


def can_edit_application_form(user, application) -> bool:
    from quartiers.programming.services.complements import FORM_SECTIONS

    return bool(editable_sections(user, application) & FORM_SECTIONS)


def can_edit_budget(user, application) -> bool:
    return ComplementSection.BUDGET in editable_sections(user, application)


def can_edit_attachments(user, application) -> bool:
    return ComplementSection.ATTACHMENTS in editable_sections(user, application)


def can_request_complement(user, application) -> bool:
    """`instructs` a dossier that is in instruction (a complement may be asked)."""
    return application.status in COMPLEMENT_ASKABLE and instructs(user, application)


def instructs(user, application) -> bool:
    """An instructor of a funder the dossier asks, or the chef de projet (or an admin)."""
    return (
        is_admin(user)
        or ContractRole.PROJECT_LEAD in contract_roles(user, application.contract)
        or bool(instructed_funders(user, application))
    )


def can_answer_complement(user, application) -> bool:
    """The carrier corrects and resubmits while a complement is requested."""
    return application.status in CORRECTABLE and is_carrier(user, application)


def can_read_complements(user, application) -> bool:
    """The thread of complement requests: the carrier and those who instruct the dossier."""
    return is_carrier(user, application) or can_view_instruction(user, application)


def can_save_funder_opinion(user, application, funder_id) -> bool:
    """The opinion form is offered only where `save_funder_opinion` would save it: one of the
    user's funders, a dossier in instruction, a contract not archived."""
    return (
        funder_id in instructed_funders(user, application)
        and application.status in INSTRUCTABLE
        and not application.contract.is_archived
    )


def can_withdraw_application(user, application) -> bool:
    return is_carrier(user, application) and (
        ApplicationStatus.WITHDRAWN in TRANSITIONS[application.status]
    )


def can_restore_application(user, application) -> bool:
    """Whether `user` may ask to restore this withdrawn dossier (its carrier); the service
    says whether the call still accepts it (`services.restore_application`)."""
    return application.status == ApplicationStatus.WITHDRAWN and is_carrier(user, application)


def instructed_funders(user, application) -> set[int]:
    """The funders asked by this application (it has a funding request for them) for which
    `user` instructs."""
    return funder_organisations(user, application.contract) & _requested_funders(application)


def can_see_proposed_amounts(user, application) -> bool:
    """The amounts proposed at instruction: steering roles and the asked funders' instructors."""
    return can_run_committees(user, application.contract) or bool(
        instructed_funders(user, application)
    )


def can_read_private_note(user, opinion) -> bool:
    """A funder's private note is for that funder's instructors only."""
    return opinion.request.funder_id in funder_organisations(
        user, opinion.request.application.contract
    )


def can_hold_sessions(user, call) -> bool:
    """`can_run_committees` for the contract of `call` (create its committee sessions)."""
    return can_run_committees(user, call.contract)


def can_notify_decision(user, application) -> bool:
    """The steering roles send the decision (e-mail and letter) to the carrier."""
    return can_run_committees(user, application.contract)


def can_give_council_opinion(user, application) -> bool:
    return ContractRole.CITIZEN_COUNCIL in contract_roles(user, application.contract)


def can_manage_conventions(user, contract) -> bool:
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_sign_conventions(user, application) -> bool:
    return can_manage_conventions(user, application.contract)


def can_record_payment(user, convention, funder) -> bool:
    contract = convention.application.contract
    return can_manage_conventions(user, contract) or funder.pk in funder_organisations(
        user, contract
    )


def can_file_report(user, application) -> bool:
    return is_carrier(user, application)


def can_override_report_block(user, application) -> bool:
    return can_manage_conventions(user, application.contract)


def can_view_instruction(user, application) -> bool:
    """Funders' opinions on an application: steering roles and the asked funders' instructors."""
    return can_see_proposed_amounts(user, application)


def can_list_instruction(user, call) -> bool:
    """The instruction list of a call: steering roles and the instructors of any funder."""
    return can_run_committees(user, call.contract) or bool(
        funder_organisations(user, call.contract)
    )


def can_read_call_applications(user, call) -> bool:
    """The list of a call's filed dossiers on its page: the conseil citoyen and observers, who
    read every filed dossier (`can_view_application`) but have no instruction list."""
    return bool(
        contract_roles(user, call.contract) & {ContractRole.CITIZEN_COUNCIL, ContractRole.OBSERVER}
    )


def can_read_programming_table(user, call) -> bool:
    """The programming table: steering roles, funders' instructors and observers (not carriers)."""
    contract = call.contract
    return can_run_committees(user, contract) or bool(
        contract_roles(user, contract) & {ContractRole.FUNDER_INSTRUCTOR, ContractRole.OBSERVER}
    )


def can_view_decision_letter(user, application) -> bool:
    """The carrier and the steering roles (the letter is addressed to the carrier)."""
    return can_run_committees(user, application.contract) or is_carrier(user, application)


def can_view_ledger(user, application) -> bool:
    """Money of one dossier: steering roles, the carrier and the instructors of its funders."""
    return is_carrier(user, application) or can_see_proposed_amounts(user, application)


def can_view_call_ledger(user, call) -> bool:
    """Money of a whole call: steering roles and the funders' instructors."""
    contract = call.contract
    return can_run_committees(user, contract) or bool(funder_organisations(user, contract))


def payable_funders(user, convention) -> set[int]:
    """The funders of `convention` for which `user` may record a payment."""
    return {
        request.funder_id
        for request in convention.requests.all()
        if can_record_payment(user, convention, request.funder)
    }


def held_roles(user) -> set[str]:
    """The roles `user` holds on any contract (one query, cached on the user per request)."""
    if not user.is_authenticated:
        return set()
    if "_held_roles" not in user.__dict__:
        user.__dict__["_held_roles"] = set(
            RoleAssignment.objects.filter(user=user)
            .order_by()
            .values_list("role", flat=True)
            .distinct()
        )
    return user.__dict__["_held_roles"]


def can_use_instruction_inbox(user) -> bool:
    """The instruction inbox: people instructing for a funder on some contract."""
    return ContractRole.FUNDER_INSTRUCTOR in held_roles(user)


def can_use_council_queue(user) -> bool:
    """The list of dossiers open for the conseil citoyen's opinion: its members."""
    return ContractRole.CITIZEN_COUNCIL in held_roles(user)


def instructs_in_call(user, call) -> bool:
    """The call's funding requests appear in `user`'s instruction inbox."""
    return bool(funder_organisations(user, call.contract))


def is_council_member_of_call(user, call) -> bool:
    """The call's dossiers appear in `user`'s list of the conseil citoyen."""
    return ContractRole.CITIZEN_COUNCIL in contract_roles(user, call.contract)
