"""Who may do what with a contract's bodies."""

from django.core.exceptions import PermissionDenied

from quartiers.access.permissions import (
    can_correct_contract_data,
    can_view_contract,
    contract_roles,
    is_admin,
)
from quartiers.contracts import services as contract_services


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


def ensure_may_manage(user, contract) -> None:
    """Every write of the governance (bodies, meetings, register, minutes, documents): the
    chef de projet or an admin (`user` None: the platform itself), on a contract not archived."""
    if user is not None and not can_manage_bodies(user, contract):
        raise PermissionDenied(
            "Seuls la cheffe ou le chef de projet gèrent les instances, leurs réunions, leurs "
            "décisions et leurs comptes rendus."
        )
    contract_services.ensure_not_archived(contract)
