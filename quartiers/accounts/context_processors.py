from quartiers.accounts.models import Notification
from quartiers.accounts.permissions import can_use_admin

# The section of the main menu each app's pages belong to; a page of no section marks none.
# Every page about a contract (its calls, dossiers, import, roles…) is under « Contrats ».
MENU_SECTIONS = {
    "workspace": "home",
    "contracts": "contracts",
    "programming": "contracts",
    "participation": "contracts",
    "protocol_import": "contracts",
}
MENU_PAGES = {  # pages whose section is not that of their app
    "programming:my-applications": "applications",
    # the work queues: their own menu entries (programming.context_processors.queues)
    "programming:instruction-inbox": "queues",
    "programming:council-queue": "queues",
    "access:organisation-list": "organisations",
    "access:organisation-detail": "organisations",
    "access:organisation-edit": "organisations",
    "access:contract-roles": "contracts",
    "access:contract-role-revoke": "contracts",
    "access:events": "contracts",
}


# The page each entry of the main menu links to: there it is `aria-current="page"`, on the
# other pages of its section `aria-current="true"`.
MENU_LINKS = {
    "home": "workspace:home",
    "contracts": "contracts:contract-list",
    "applications": "programming:my-applications",
    "organisations": "access:organisation-list",
}


def menu_section(resolver_match) -> tuple[str, str]:
    """The main menu's entry to mark on the page `resolver_match` resolves, and how."""
    if resolver_match is None:
        return "", ""
    name = f"{resolver_match.app_name}:{resolver_match.url_name}"
    section = MENU_PAGES.get(name, MENU_SECTIONS.get(resolver_match.app_name, ""))
    return section, "page" if MENU_LINKS.get(section) == name else "true"


def navigation(request):
    """What the header offers the person signed in (and how many notifications are unread),
    and where the page sits in its menu."""
    user = request.user
    section, current = menu_section(getattr(request, "resolver_match", None))
    return {
        "can_use_admin": can_use_admin(user),
        "menu_section": section,
        "menu_current": current,
        "unread_notifications": Notification.objects.filter(user=user).unread().count()
        if user.is_authenticated
        else 0,
    }
