"""DRF permission classes: thin wrappers around the `can_*` predicates, the one source of truth.

Lists are filtered by the QuerySet twins of the same predicates (`visible_contracts`,
`visible_organisations`); objects a person may not read answer 404 (see `views.HideDenied`).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from quartiers.access import permissions


class DenyAll(BasePermission):
    """The default of every API view (settings): a view must say who may use it."""

    def has_permission(self, request, view):
        return False


class CanViewContract(BasePermission):
    """Anyone may ask (published contracts are public); the contract must pass the predicate."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS and permissions.can_view_contract(request.user, obj)


class CanViewOrganisation(BasePermission):
    """Organisations are never public: signed-in people read those the predicate allows."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS and permissions.can_view_organisation(
            request.user, obj
        )


class SignedInReader(BasePermission):
    """Signed-in people may ask; the view applies the predicates of the object it reads."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and request.user.is_authenticated
