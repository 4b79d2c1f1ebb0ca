"""Predicates about a person alone (no contract): the contract-level ones are in `access`."""


def can_use_admin(user) -> bool:
    """The administration is worth a link only to those who may see something in it."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(user.get_all_permissions())
