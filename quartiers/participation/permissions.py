"""Who may do what with the conseil citoyen. Deny by default; views and templates call these.

The chef de projet (and platform admins) manage the council and run the draws; the délégué du
préfet and the council's members read it; observers read its non-personal parts (counts,
terms, parity, draws' public records); carriers and funders' instructors have no access.
Residents' names never reach a public page.
"""

from quartiers.access.enums import ContractRole
from quartiers.access.permissions import (
    STEERING,
    can_correct_contract_data,
    can_view_citizen_council,
    contract_roles,
    is_admin,
)

__all__ = [
    "can_decide_micro_project",
    "can_manage_citizen_council",
    "can_manage_fund",
    "can_record_fph_payment",
    "can_see_member_contacts",
    "can_see_member_names",
    "can_see_volunteer_names",
    "can_view_citizen_council",
    "can_view_draw_record",
    "can_view_fund_committee",
]


def can_manage_citizen_council(user, contract) -> bool:
    """Create and edit the council, its members, volunteer lists, and run draws."""
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_see_member_names(user, contract) -> bool:
    """Members' names and who they represent: the steering roles and the members."""
    return is_admin(user) or bool(
        contract_roles(user, contract) & (STEERING | {ContractRole.CITIZEN_COUNCIL})
    )


def can_see_member_contacts(user, contract) -> bool:
    """Members' e-mails, consent records and platform accounts: the steering roles."""
    return is_admin(user) or bool(contract_roles(user, contract) & STEERING)


def can_see_volunteer_names(user, contract) -> bool:
    """Volunteer lists and the names a draw gave: the chef de projet and the délégué du
    préfet (who recognises the council's composition, article 7)."""
    return is_admin(user) or bool(contract_roles(user, contract) & STEERING)


def can_view_draw_record(user, contract) -> bool:
    """A draw's record page (seed, fingerprint, algorithm; names per
    `can_see_volunteer_names`): whoever reads the council's page."""
    return can_view_citizen_council(user, contract)


# --------------------------------------------------------------------------- FPH

FUND_COMMITTEE = {
    ContractRole.PROJECT_LEAD,
    ContractRole.PREFECT_DELEGATE,
    ContractRole.CITIZEN_COUNCIL,
}


def can_manage_fund(user, contract) -> bool:
    """Create and edit the fonds de participation des habitants of a year: the chef de
    projet (who corrects the contract's data) and platform admins."""
    return can_correct_contract_data(user, contract)


def can_view_fund_committee(user, contract) -> bool:
    """The FPH committee's pages, with the groups' contacts: the steering roles, the
    conseil citoyen's members (who sit on the committee) and platform admins; not observers,
    carriers nor funders' instructors."""
    return is_admin(user) or bool(contract_roles(user, contract) & FUND_COMMITTEE)


def can_decide_micro_project(user, contract) -> bool:
    """Record the committee's vote on a request: the chef de projet and the conseil
    citoyen's members."""
    return is_admin(user) or bool(
        contract_roles(user, contract) & {ContractRole.PROJECT_LEAD, ContractRole.CITIZEN_COUNCIL}
    )


def can_record_fph_payment(user, contract) -> bool:
    """Record that the carrying association paid a group: the chef de projet."""
    return can_manage_fund(user, contract)
