"""The access check every contract page goes through, whichever app serves the page."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from quartiers.access.permissions import can_view_contract
from quartiers.contracts.models import Contract


def refuse(request):
    """The answer to a page this person may not see: the login page for an anonymous
    visitor, 403 for a signed-in person (shared by every page decorator)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def contract_page(check=can_view_contract):
    """Fetch the URL's contract and let the view run only if `check(user, contract)`.

    Deny by default: anonymous readers of a page they may not see are sent to the login
    page; signed-in people get a 403.
    """

    def decorator(view):
        @login_not_required
        @wraps(view)
        def wrapper(request, slug, **kwargs):
            contract = get_object_or_404(
                Contract.objects.select_related("epci").with_end(), slug=slug
            )
            if not check(request.user, contract):
                return refuse(request)
            return view(request, contract, **kwargs)

        return wrapper

    return decorator
