from quartiers.accounts.models import Notification
from quartiers.accounts.permissions import can_use_admin


def navigation(request):
    """What the header offers the person signed in (and how many notifications are unread)."""
    user = request.user
    signed_in = user.is_authenticated
    return {
        "can_use_admin": can_use_admin(user),
        "unread_notifications": Notification.objects.filter(user=user).unread().count()
        if signed_in
        else 0,
    }
