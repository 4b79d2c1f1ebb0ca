from quartiers.accounts.permissions import can_use_admin


def navigation(request):
    """What the header offers the person signed in."""
    return {"can_use_admin": can_use_admin(request.user)}
