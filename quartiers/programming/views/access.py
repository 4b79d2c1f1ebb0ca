"""The decorator shared by every page of one application (carrier, instruction, follow-up)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from quartiers.programming import permissions
from quartiers.programming.models import Application


def application_page(check=None):
    """Fetch the URL's application: 404 unless the user may see it, 403 if `check` fails."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, uuid, **kwargs):
            application = get_object_or_404(
                Application.objects.select_related(
                    "contract", "call", "carrier", "action", "pillar", "theme", "renewal_of__call"
                ),
                uuid=uuid,
            )
            if not permissions.can_view_application(request.user, application):
                raise Http404("Dossier introuvable.")
            if check is not None and not check(request.user, application):
                raise PermissionDenied
            return view(request, application, **kwargs)

        return wrapper

    return decorator
