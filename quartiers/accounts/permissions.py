"""Predicates about a person alone (no contract): the contract-level ones are in `access`."""

from django.apps import apps
from django.contrib import admin

from quartiers.core.enums import PUBLIC_INSTITUTION_KINDS


def is_admin(user) -> bool:
    """A platform admin (`access.permissions` re-exports it for the contract predicates)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def can_set_kind(user, kind: str, previous: str | None) -> bool:
    """May `user` give the nature `kind` to an organisation whose nature was `previous`
    (None: a new one)? Public institutions (État, CAF, commune…) are set by platform admins:
    others keep the nature an organisation has, or choose among the other natures."""
    if kind == previous or is_admin(user):
        return True
    return kind not in PUBLIC_INSTITUTION_KINDS and previous not in PUBLIC_INSTITUTION_KINDS


def can_use_admin(user) -> bool:
    """The administration is worth a link only to those who may see something in it."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(user.get_all_permissions() & _admin_permissions())


def _admin_permissions() -> set[str]:
    """The permissions that show something in the administration: those of its models (a
    permission on a history table or on a model it does not list opens an empty page)."""
    return {
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in apps.get_models()
        if admin.site.is_registered(model)
        for action in ("view", "change", "add", "delete")
    }
