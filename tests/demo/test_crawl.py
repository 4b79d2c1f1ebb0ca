"""Every page a demo person may use is reached from `/` by following links only.

For each demo person: a breadth-first walk over the same-site links of the pages, from `/`
(GET only; downloads, the admin, the API and logging out are not followed). No page may
answer a server error. Then every route this person may use must have been reached: "may use"
is measured, not declared — the pages of `_candidates` (every call, every session, one dossier
per status and its pages, the contract's pages…) that answer 200 when requested directly.

Routes are compared by *label*: the route's name, with the status of the call or dossier it
shows (a draft's budget page and a paid dossier's are different places to reach). A label
this person may use but does not reach fails the test, unless `UNREACHABLE_BY_DESIGN` says
why. To bound the time, at most `PER_LABEL` pages of one label are fetched (the first found);
a call's pages count per call.
"""

import re
import time
from collections import Counter, deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from quartiers.demo import services as demo
from quartiers.programming.models import Application, CallForProjects, CommitteeSession, Convention

pytestmark = pytest.mark.django_db

PER_LABEL = 1

# Not followed: files (PDF, spreadsheets, attachments: slow to build, no links inside), the
# admin, the API and its docs, signing out (it would end the walk) and the password pages.
NOT_FOLLOWED = re.compile(
    r"^/(static|media|admin|api)/|^/deconnexion/|^/mot-de-passe/|\.(pdf|xlsx|ods|csv|ics)$"
    r"|^/dossiers/[^/]+/pieces/\d+/$|^/reunions/[^/]+/documents/\d+/$"
    r"|/fph/projets/[^/]+/pieces/\d+/$"
)

# Why no link leads there. A key is a label, or a route name: then the route must be reached
# in one state at least, and its other states need no link (they offer nothing to do).
WITHDRAWN = (
    "a withdrawn dossier leaves the call's lists and tables; only its carrier finds it again, "
    "in « Mes dossiers »"
)
UNREACHABLE_BY_DESIGN = {
    **{
        f"programming:{name} (withdrawn)": WITHDRAWN
        for name in ("application-detail", "ledger", "opinion-edit", "council-opinion")
    },
    "programming:application-detail (draft)": (
        "a draft is its carrier's business: the administrator may open it but no list shows "
        "other people's drafts"
    ),
    "programming:ledger (draft)": "a draft has no money to follow yet",
    "programming:convention-create": (
        "linked only while a granted amount awaits its convention; on other dossiers the page "
        "just says there is nothing to sign"
    ),
    **{
        f"programming:report-create ({status})": (
            "a dossier not funded (closed, or not yet decided) owes no bilan; the page says so"
        )
        for status in (
            "closed",
            "submitted",
            "complement_requested",
            "under_instruction",
            "examined",
            "decided",
        )
    },
    "programming:application-create (closed)": "a closed call accepts no deposit",
    "participation:fph-request-sent": "shown after a request is sent, not linked",
}


def _missing(may_use: set, reached: set) -> list[str]:
    """The labels of `may_use` not reached and not excused by `UNREACHABLE_BY_DESIGN`."""
    routes_reached = {label.split(" ")[0] for label in reached}
    return sorted(
        label
        for label in may_use - reached
        if label not in UNREACHABLE_BY_DESIGN
        and not (
            label.split(" ")[0] in UNREACHABLE_BY_DESIGN and label.split(" ")[0] in routes_reached
        )
    )


HREF = re.compile(r'href="([^"#]*)')


def _candidates(contract) -> list[str]:
    """The demo's pages that someone may use, one dossier per status (with all its pages)."""
    slug = {"slug": contract.slug}
    urls = [
        reverse(name)
        for name in (
            "workspace:home",
            "contracts:contract-list",
            "programming:my-applications",
            "programming:instruction-inbox",
            "programming:council-queue",
            "accounts:my-account",
            "access:my-roles",
            "access:organisation-list",
        )
    ]
    urls += [
        reverse(name, kwargs=slug)
        for name in (
            "contracts:contract-detail",
            "contracts:matrix",
            "contracts:glossary",
            "contracts:source-document",
            "programming:call-list",
            "programming:call-create",
            "access:events",
            "access:contract-roles",
        )
    ]
    for call in CallForProjects.objects.filter(contract=contract):
        urls += [
            reverse(f"programming:{name}", kwargs={"uuid": call.uuid})
            for name in (
                "call-detail",
                "call-edit",
                "application-create",
                "instruction-list",
                "session-create",
                "programming-table",
                "call-ledger",
            )
        ]
    urls += [
        reverse("programming:session-detail", kwargs={"uuid": session.uuid})
        for session in CommitteeSession.objects.filter(call__contract=contract)
    ]
    one_per_status = {}
    for application in Application.objects.filter(contract=contract).order_by("pk"):
        one_per_status.setdefault(application.status, application)
    for application in one_per_status.values():
        uuid = {"uuid": application.uuid}
        urls += [
            reverse(f"programming:{name}", kwargs=uuid)
            for name in (
                "application-detail",
                "application-edit",
                "application-budget",
                "application-attachments",
                "council-opinion",
                "convention-create",
                "ledger",
                "report-create",
            )
        ]
        urls += [
            reverse("programming:opinion-edit", kwargs={**uuid, "funder": funder})
            for funder in application.funding_requests.values_list("funder_id", flat=True)
        ]
    convention = Convention.objects.filter(application__contract=contract).first()
    urls.append(reverse("programming:payment-create", kwargs={"pk": convention.pk}))
    engagement = contract.engagements.order_by("number").first()
    urls.append(
        reverse("contracts:engagement-detail", kwargs={**slug, "number": engagement.number})
    )
    urls.append(reverse("contracts:engagement-edit", kwargs={**slug, "number": engagement.number}))
    partner = contract.partners.grid_first().first()
    urls.append(reverse("contracts:partner-edit", kwargs={**slug, "code": partner.code}))
    urls += _participation_candidates(contract, slug)
    urls += _fund_candidates(contract, slug)
    urls += _governance_candidates(contract, slug)
    return urls


def _governance_candidates(contract, slug) -> list[str]:
    """The bodies' pages, those of the demo's thematic workshop and past comités de pilotage,
    and their minutes."""
    from quartiers.governance.models import Meeting, Minutes

    urls = [reverse(f"governance:{name}", kwargs=slug) for name in ("body-list", "decision-list")]
    for code in ("COPIL", "ATELIER"):
        urls += [
            reverse(f"governance:{name}", kwargs={**slug, "code": code})
            for name in ("body-detail", "meeting-create")
        ]
    for meeting in Meeting.objects.filter(contract=contract).order_by("-date")[:3]:
        urls += [
            reverse(f"governance:{name}", kwargs={"uuid": meeting.uuid})
            for name in ("meeting-detail", "meeting-edit")
        ]
    # The past comités de pilotage: approved minutes (public) and a draft (the contract's).
    urls.append(reverse("governance:minutes-list", kwargs=slug))
    urls += [
        reverse("governance:minutes-detail", kwargs={"uuid": minutes.meeting.uuid})
        for minutes in Minutes.objects.filter(meeting__contract=contract).select_related("meeting")
    ]
    return urls


def _participation_candidates(contract, slug) -> list[str]:
    """The conseil citoyen's pages: the council, its forms, one sitting member, the volunteer
    list and its draw (record and public page)."""
    from quartiers.participation.models import CouncilMember, Draw

    urls = [
        reverse(f"participation:{name}", kwargs=slug)
        for name in ("council", "council-edit", "member-create", "volunteer-list-create")
    ]
    member = CouncilMember.objects.for_contract(contract).current().order_by("pk").first()
    urls += [
        reverse(f"participation:member-{name}", kwargs={**slug, "pk": member.pk})
        for name in ("edit", "leave")
    ]
    draw = Draw.objects.filter(contract=contract).select_related("volunteer_list").first()
    uuids = {"uuid": draw.volunteer_list.uuid}
    urls += [
        reverse("participation:volunteer-list-detail", kwargs={**slug, **uuids}),
        reverse("participation:draw-create", kwargs={**slug, **uuids}),
        reverse("participation:draw-detail", kwargs={**slug, "uuid": draw.uuid}),
        reverse("participation:draw-public", kwargs={"uuid": draw.uuid}),
    ]
    return urls


def _fund_candidates(contract, slug) -> list[str]:
    """The residents' fund: its public page and form, the committee's pages, one request."""
    from quartiers.participation.models import MicroProject, ResidentsFund

    urls = [
        reverse(f"participation:{name}", kwargs=slug)
        for name in (
            "fund-public",
            "fph-request",
            "fph-request-sent",
            "fund-committee",
            "fund-create",
        )
    ]
    fund = ResidentsFund.objects.filter(contract=contract).first()
    urls.append(reverse("participation:fund-edit", kwargs={**slug, "year": fund.year}))
    project = MicroProject.objects.filter(contract=contract).confirmed().first()
    urls.append(
        reverse("participation:micro-project-detail", kwargs={**slug, "uuid": project.uuid})
    )
    return urls


class Labels:
    """The label of a path: its route name, with the status of the call or dossier it shows."""

    def __init__(self):
        self.statuses = {
            **dict(CallForProjects.objects.values_list("uuid", "status")),
            **dict(Application.objects.values_list("uuid", "status")),
        }
        self.calls = set(CallForProjects.objects.values_list("uuid", flat=True))

    def __call__(self, path) -> str | None:
        try:
            match = resolve(path)
        except Resolver404:
            return None
        status = self.statuses.get(match.kwargs.get("uuid"))
        return match.view_name + (f" ({status})" if status else "")

    def place(self, path) -> str | None:
        """What the fetch limit counts: the label, and for a call's pages the call itself
        (several closed calls hold dossiers in different states: each call is visited)."""
        label = self(path)
        uuid = resolve(path).kwargs.get("uuid") if label else None
        return f"{label} {uuid}" if uuid in self.calls else label


def _crawl(client, labels) -> tuple[dict, list]:
    """{path: status code} of the pages reached from `/`, and the server errors met."""
    seen, errors, fetched = {}, [], Counter()
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        label = labels.place(path)
        if fetched[label] >= PER_LABEL:
            seen.setdefault(path, None)  # linked, not fetched
            continue
        fetched[label] += 1
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
        if response.status_code in (301, 302):
            links = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            links = [unescape(href) for href in HREF.findall(response.content.decode())]
        else:
            links = []
        for link in links:
            url = urlsplit(link)
            if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
                continue
            if not url.path.startswith("/") or NOT_FOLLOWED.search(url.path):
                continue
            if url.path not in seen and url.path not in queue:
                seen[url.path] = None
                queue.append(url.path)
    return seen, errors


def test_each_demo_person_reaches_every_page_they_may_use(client):
    _, people = demo.load(apply=True)
    contract = people[1].role_assignments.get().contract
    labels = Labels()
    candidates = _candidates(contract)
    failures, figures = [], []
    started = time.perf_counter()
    for person in people:
        client.force_login(person)
        may_use = {labels(url) for url in candidates if client.get(url).status_code == 200}
        reached, errors = _crawl(client, labels)
        reached_labels = {labels(path) for path in reached}
        missing = _missing(may_use, reached_labels)
        name = person.email.split("@")[0]
        if errors or missing:
            failures.append(f"{name}: server errors {errors}, not reached {missing}")
        figures.append(
            f"{name}: {sum(code is not None for code in reached.values())} pages fetched, "
            f"{len(reached)} linked, "
            f"{sum(p.startswith('/dossiers/') and p.count('/') == 3 for p in reached)} dossiers, "
            f"{sum(p.startswith('/seances/') for p in reached)} sessions"
        )
        client.logout()
    print("\n".join([*figures, f"{time.perf_counter() - started:.1f} s"]))
    assert not failures, "\n".join(failures)
