"""The work queues the header's main menu offers the person signed in (read lazily: the query
runs only when a page shows the menu to someone signed in)."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from quartiers.programming import permissions

# (route, label, predicate(user))
QUEUES = [
    ("instruction-inbox", "Dossiers à instruire", permissions.can_use_instruction_inbox),
    ("council-queue", "Avis du conseil citoyen", permissions.can_use_council_queue),
]


def queues(request):
    def links():
        user = request.user
        current = getattr(request.resolver_match, "url_name", "")
        return [
            {"url": reverse(f"programming:{name}"), "label": label, "current": name == current}
            for name, label, allowed in QUEUES
            if allowed(user)
        ]

    return {"queue_links": SimpleLazyObject(links)}
