"""Who may do what with a contract's bodies."""

from quartiers.access.permissions import (
    can_correct_contract_data,
    can_view_contract,
    contract_roles,
    is_admin,
)


def can_view_bodies(user, contract) -> bool:
    return can_view_contract(user, contract)


def can_manage_bodies(user, contract) -> bool:
    """Create bodies and set their members: the chef de projet and platform admins, as for
    the rest of the contract's data (`access.permissions.can_correct_contract_data`)."""
    return can_correct_contract_data(user, contract)


def can_view_meeting_drafts(user, contract) -> bool:
    """Read a meeting's minutes before their approval and its documents not made public:
    the people holding a role on the contract, and platform admins (never the public of a
    published contract)."""
    return is_admin(user) or bool(contract_roles(user, contract))
