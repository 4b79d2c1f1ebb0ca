"""Every route of the project, declared once: who gets what, by GET and by POST.

To declare a new route, add its name to `ROUTES` with one `Case` per object or state whose
rule differs (a draft and a submitted dossier, an open and a call in preparation…):

    "app:route-name": [
        Case(kwargs=lambda w: {"uuid": w.draft.uuid}, get=READERS_OF["draft"]),
    ],

- `kwargs(world)`: the URL's arguments, from the objects of `world.py` (add one there if needed).
- `get` / `post`: a table person → outcome, built with `expect(default, **overrides)`; an
  outcome is a status code or `LOGIN` (a redirect to the login page). `post` defaults to
  `get`, for views that check the same rule whatever the method. `require_POST` views answer
  `GET_405` to GET.
- People of contract B, people whose role was revoked and the CAF's funder admin get what
  `no_role` gets, and the État's instructor what the CAF's gets, unless a table names them.
- `data(world)`: the POST body (default empty); `writes`: who writes with it. Every other
  request must write nothing and send no e-mail (checked on the SQL sent to the database).
- `hidden(world)` / `hidden_from`: texts a page that answers must not show these people.

A route missing here fails `test_every_route_is_declared`; so does a name that is no route.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from tests.access_matrix.world import (
    B_PEOPLE,
    FPH_CONTACT_EMAIL,
    FPH_CONTACT_NAME,
    MEMBER_EMAIL,
    MEMBER_NAME,
    PEOPLE,
    PRIVATE_NOTE,
    REVOKED,
    VOLUNTEER_NAMES,
)

LOGIN = "login"  # 302 to the login page (anonymous people)
ALLOWED = {200, 302}


def expect(default, **overrides):
    """Outcome per person: `default`, then `overrides`, then the derived defaults above."""
    unknown = set(overrides) - set(PEOPLE)
    assert not unknown, f"No such person in world.py: {sorted(unknown)}"
    table = {person: overrides.get(person, default) for person in PEOPLE}
    for person in (*B_PEOPLE, *REVOKED, "funder_admin"):
        table[person] = overrides.get(person, table["no_role"])
    table["etat_instructor"] = overrides.get("etat_instructor", table["funder_instructor"])
    return table


def only(readers, **allowed):
    """A page of an object: those who may not see it keep `readers`' outcome (404, login);
    readers get 403 unless `allowed` gives them their outcome."""
    return {
        person: allowed.get(person, 403) if outcome in ALLOWED else outcome
        for person, outcome in readers.items()
    }


@dataclass(frozen=True)
class Case:
    kwargs: Callable = lambda w: {}
    get: dict = field(default_factory=dict)
    post: dict | None = None  # None: as GET
    data: Callable = lambda w: {}
    writes: frozenset = frozenset()
    label: str = ""
    # Texts that a page answering 200 must not show to `hidden_from` (by GET and by POST).
    hidden: Callable = lambda w: []
    hidden_from: frozenset = frozenset()

    def expected(self, method):
        return self.get if method == "get" or self.post is None else self.post


STEERING_PEOPLE = ("project_lead", "prefect_delegate", "admin")
# Who holds no role on contract A (unpublished): they may not learn that it exists.
STRANGERS_TO_A = frozenset({"anonymous", "no_role", "funder_admin", *B_PEOPLE, *REVOKED})


def contract_name(w):
    return [w.contract.name]


# A funder's private note is for that funder's instructors only (steering roles included).
NOT_CAF_INSTRUCTORS = frozenset(set(PEOPLE) - {"funder_instructor"})


def private_note(w):
    return [PRIVATE_NOTE]


EVERYONE = expect(200)
SIGNED_IN = expect(200, anonymous=LOGIN)
GET_405 = expect(405)  # require_POST outside a page open to anonymous people
GET_405_SIGNED_IN = expect(405, anonymous=LOGIN)  # require_POST behind the login middleware
CONTRACT_READERS = expect(200, anonymous=LOGIN, no_role=403)
STEERING = expect(403, anonymous=LOGIN, project_lead=200, prefect_delegate=200, admin=200)
PROJECT_LEAD = expect(403, anonymous=LOGIN, project_lead=200, admin=200)
ADMIN_ONLY = expect(403, anonymous=LOGIN, admin=200)
INSTRUCTORS = expect(
    403, anonymous=LOGIN, project_lead=200, prefect_delegate=200, funder_instructor=200, admin=200
)
PROGRAMMING_TABLE = expect(
    403,
    anonymous=LOGIN,
    project_lead=200,
    prefect_delegate=200,
    funder_instructor=200,
    observer=200,
    admin=200,
)
INBOX_PEOPLE = expect(403, anonymous=LOGIN, funder_instructor=200, funder_instructor_b=200)
COUNCIL_PEOPLE = expect(403, anonymous=LOGIN, citizen_council=200, citizen_council_b=200)


def _queue_cases(people):
    """A work queue across contracts: people of B never see A's dossiers; the État's
    instructor never sees what asks the CAF only; nobody reads the CAF's private note."""
    return [
        Case(
            get=people,
            hidden=lambda w: [w.shared.title, w.caf_only.title],
            hidden_from=frozenset({*B_PEOPLE, *REVOKED}),
        ),
        Case(
            get=people,
            hidden=lambda w: [w.caf_only.title, PRIVATE_NOTE],
            hidden_from=frozenset({"etat_instructor"}),
            label="the État's instructor",
        ),
        Case(get=people, hidden=private_note, hidden_from=frozenset(PEOPLE), label="no note"),
    ]


# The carrier's association: admins see every organisation, steering roles those of their
# contracts (the association carries on B too, so B's steering roles see it); its members
# (the carrier on A, and on B) see and edit it; others get 404, no hint that it exists.
ORGANISATION_READERS = expect(
    404,
    anonymous=LOGIN,
    project_lead=200,
    prefect_delegate=200,
    carrier=200,
    admin=200,
    project_lead_b=200,
    prefect_delegate_b=200,
    carrier_b=200,
)
ORGANISATION_EDITORS = only(ORGANISATION_READERS, carrier=200, carrier_b=200, admin=200)
NOT_ORGANISATION_READERS = frozenset(p for p, o in ORGANISATION_READERS.items() if o == 404)


def association_name(w):
    return [w.association.name]


API_CONTRACT = expect(200, anonymous=404, no_role=404)
API_ORGANISATION = {
    **ORGANISATION_READERS,
    "anonymous": 403,
}

# Who may see each dossier (`can_view_application`): 404 for others, the login for anonymous.
_SUBMITTED_READERS = {"anonymous": LOGIN, "no_role": 404}
READERS_OF = {
    # In instruction, asking the CAF and the État.
    "shared": expect(200, **_SUBMITTED_READERS),
    # Asking the CAF only: the État's instructor may not know it exists.
    "caf_only": expect(200, **_SUBMITTED_READERS, etat_instructor=404),
    "paid": expect(200, **_SUBMITTED_READERS, etat_instructor=404),
    "submitted": expect(200, **_SUBMITTED_READERS, etat_instructor=404),
    "withdrawn": expect(200, **_SUBMITTED_READERS, etat_instructor=404),
    # A draft is its carrier's business.
    "draft": expect(404, anonymous=LOGIN, carrier=200, admin=200),
}
PERSONAL_DATA = {
    "project_lead": 200,
    "prefect_delegate": 200,
    "funder_instructor": 200,
    "etat_instructor": 200,
    "carrier": 200,
    "admin": 200,
}


def dossier(key, **extra):
    return lambda w: {"uuid": w.objects[key].uuid, **extra}


def call(key):
    return lambda w: {"uuid": w.objects[key].uuid}


def contract(**extra):
    return lambda w: {"slug": w.contract.slug, **extra}


def meeting(w):
    return {"uuid": w.meeting.uuid}


def association(w):
    return {"pk": w.association.pk}


def _dossier_pages(check_allowed, keys=("shared", "caf_only", "paid", "submitted", "draft")):
    return [
        Case(kwargs=dossier(key), get=only(READERS_OF[key], **check_allowed), label=key)
        for key in keys
    ]


# The conseil citoyen: its readers (steering roles, members, observers), its manager (the
# chef de projet); volunteers' names for the steering roles only, members' names not for
# observers, e-mails not for members; no name at all on the public page of a draw.
COUNCIL_READERS = expect(
    403,
    anonymous=LOGIN,
    project_lead=200,
    prefect_delegate=200,
    citizen_council=200,
    observer=200,
    admin=200,
)
NOT_STEERING = frozenset(set(PEOPLE) - set(STEERING_PEOPLE))


def volunteer_names(w):
    return [*VOLUNTEER_NAMES, "v1@example.org"]


def member_name(w):
    return [MEMBER_NAME]


def member_email(w):
    return [MEMBER_EMAIL]


def council(**extra):
    return lambda w: {"slug": w.contract.slug, **extra}


def council_member(w):
    return {"slug": w.contract.slug, "pk": w.member.pk}


def volunteers_of(w):
    return {"slug": w.contract.slug, "uuid": w.volunteer_list.uuid}


def _council_cases(kwargs, readers):
    return [
        Case(kwargs=kwargs, get=readers, hidden=volunteer_names, hidden_from=NOT_STEERING),
        Case(
            kwargs=kwargs,
            get=readers,
            hidden=member_name,
            hidden_from=frozenset({"observer"}),
            label="members' names",
        ),
        Case(
            kwargs=kwargs,
            get=readers,
            hidden=member_email,
            hidden_from=frozenset({"observer", "citizen_council"}),
            label="members' e-mails",
        ),
    ]


PROJECT_LEAD_WRITES = expect(403, anonymous=LOGIN, project_lead=302, admin=302)
LEAD_AND_ADMIN = frozenset({"project_lead", "admin"})

PARTICIPATION_ROUTES = {
    "participation:council": _council_cases(council(), COUNCIL_READERS),
    "participation:council-edit": [
        Case(kwargs=council(), get=PROJECT_LEAD),  # empty POST: the form again
        Case(
            kwargs=council(),
            get=PROJECT_LEAD,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {"name": "Conseil citoyen A (renommé)"},
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
    ],
    "participation:member-create": [
        Case(kwargs=council(), get=PROJECT_LEAD),
        Case(
            kwargs=council(),
            get=PROJECT_LEAD,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {
                "college": "local_actor",
                "last_name": "Nouveau membre",
                "gender": "homme",
                "term_starts_on": w.contract.signed_on.isoformat(),
            },
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
    ],
    "participation:member-edit": [
        Case(
            kwargs=council_member,
            get=PROJECT_LEAD,
            hidden=volunteer_names,
            hidden_from=frozenset(PEOPLE),
        )
    ],
    "participation:member-leave": [
        Case(kwargs=council_member, get=PROJECT_LEAD),
        Case(
            kwargs=council_member,
            get=PROJECT_LEAD,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {"left_on": w.contract.signed_on.isoformat()},
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
    ],
    # Erasure: its confirmation is a modal of the council's page.
    "participation:member-erase": [
        Case(
            kwargs=council_member,
            get=GET_405,
            post=PROJECT_LEAD_WRITES,
            writes=LEAD_AND_ADMIN,
        )
    ],
    "participation:volunteer-list-create": [Case(kwargs=council(), get=PROJECT_LEAD)],
    "participation:volunteer-list-detail": [Case(kwargs=volunteers_of, get=STEERING)],
    "participation:draw-create": [
        Case(kwargs=volunteers_of, get=PROJECT_LEAD),  # empty POST: the form again
        Case(
            kwargs=volunteers_of,
            get=PROJECT_LEAD,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {"seats": 2, "seed": "B-2"},
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
        Case(
            kwargs=volunteers_of,
            get=PROJECT_LEAD,
            data=lambda w: {"seats": 6, "seed": "B-2"},  # 2 women and 2 men: refused
            label="parity refused",
        ),
    ],
    "participation:draw-detail": _council_cases(
        lambda w: {"slug": w.contract.slug, "uuid": w.draw.uuid}, COUNCIL_READERS
    ),
    "participation:draw-list": [
        Case(
            kwargs=contract(),
            get=CONTRACT_READERS,
            hidden=lambda w: [*volunteer_names(w), MEMBER_NAME, MEMBER_EMAIL],
            hidden_from=frozenset(PEOPLE),
        )
    ],
    # Public when its contract is; contract A is not: its readers only, and no name.
    "participation:draw-public": [
        Case(
            kwargs=lambda w: {"uuid": w.draw.uuid},
            get=expect(200, anonymous=404, no_role=404),
            hidden=lambda w: [*volunteer_names(w), MEMBER_NAME, MEMBER_EMAIL],
            hidden_from=frozenset(PEOPLE),
        )
    ],
}

# The residents' fund (FPH): public pages when the contract is (A is not: its readers), the
# group's pages by the key of its e-mailed link (anyone holding it), the committee's pages
# for the steering roles and the conseil citoyen's members; the vote by the chef de projet
# and the members; the fund and the payment by the chef de projet. A group's contact shows
# on the committee's pages only.
FUND_COMMITTEE = expect(
    403,
    anonymous=LOGIN,
    project_lead=200,
    prefect_delegate=200,
    citizen_council=200,
    admin=200,
)
NOT_FUND_COMMITTEE = frozenset(p for p, o in FUND_COMMITTEE.items() if o != 200)
DECIDERS = expect(403, anonymous=LOGIN, project_lead=200, citizen_council=200, admin=200)
DECIDERS_WRITE = expect(403, anonymous=LOGIN, project_lead=302, citizen_council=302, admin=302)
CONTRACT_READERS_WRITE = expect(302, anonymous=LOGIN, no_role=403)
WRITERS_OF_A = frozenset(p for p, o in CONTRACT_READERS_WRITE.items() if o == 302)


def fph_contact(w):
    return [FPH_CONTACT_NAME, FPH_CONTACT_EMAIL]


def fph_project(key):
    return lambda w: {"slug": w.contract.slug, "uuid": w.objects[key].uuid}


def fph_key(key):
    return lambda w: {"key": w.objects[key]}


def fph_request_data(w):
    return {
        "title": "Jardin partagé",
        "description": "Planter des tomates.",
        "audience": "Les enfants du quartier",
        "when": "en mai",
        "group_name": "Les jardiniers",
        "total_cost": "500",
        "amount_requested": "300",
        "contact_first_name": "Lou",
        "contact_email": "lou@example.org",
    }


def fph_vote(w):
    return {
        "decision": "accepted",
        "votes_for": "4",
        "votes_against": "1",
        "votes_abstention": "0",
        "decided_on": timezone.localdate().isoformat(),
    }


FPH_ROUTES = {
    "participation:fund-public": [
        Case(
            kwargs=contract(),
            get=CONTRACT_READERS,
            hidden=fph_contact,
            hidden_from=frozenset(PEOPLE),
        )
    ],
    "participation:fph-request": [
        Case(kwargs=contract(), get=CONTRACT_READERS),  # empty POST: the form again
        Case(
            kwargs=contract(),
            get=CONTRACT_READERS,
            post=CONTRACT_READERS_WRITE,
            data=fph_request_data,
            writes=WRITERS_OF_A,
            label="valid",
        ),
    ],
    "participation:fph-request-sent": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "participation:fph-follow": [
        Case(kwargs=fph_key("fph_unconfirmed_key"), get=EVERYONE),
        Case(kwargs=fph_key("fph_paid_key"), get=EVERYONE, label="paid"),
    ],
    "participation:fph-confirm": [
        Case(
            kwargs=fph_key("fph_unconfirmed_key"),
            get=GET_405,
            post=expect(302),
            writes=frozenset(PEOPLE),
        )
    ],
    "participation:fph-report": [
        Case(kwargs=fph_key("fph_paid_key"), get=EVERYONE),  # empty POST: the form again
        Case(kwargs=fph_key("fph_unconfirmed_key"), get=expect(302), label="not paid yet"),
    ],
    "participation:fund-committee": [
        Case(kwargs=contract(), get=FUND_COMMITTEE),
    ],
    "participation:fund-create": [
        Case(kwargs=contract(), get=PROJECT_LEAD),
        Case(
            kwargs=contract(),
            get=PROJECT_LEAD,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {
                "year": "2031",
                "envelope": "4000",
                "cap_per_project": "760",
                "max_share": "80",
                "is_open": "on",
            },
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
    ],
    "participation:fund-edit": [
        Case(
            kwargs=contract(year=2000),
            get=expect(403, anonymous=LOGIN, project_lead=404, admin=404),
            label="no such fund",
        ),
        Case(
            kwargs=lambda w: {"slug": w.contract.slug, "year": w.fund.year},
            get=PROJECT_LEAD,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {"envelope": "6000", "cap_per_project": "700", "max_share": "70"},
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
    ],
    "participation:micro-project-detail": [
        Case(
            kwargs=fph_project("fph_submitted"),
            get=FUND_COMMITTEE,
            hidden=fph_contact,
            hidden_from=NOT_FUND_COMMITTEE,
        ),
        Case(kwargs=fph_project("fph_reported"), get=FUND_COMMITTEE, label="reported"),
    ],
    "participation:micro-project-decide": [
        Case(kwargs=fph_project("fph_submitted"), get=GET_405, post=DECIDERS),
        Case(
            kwargs=fph_project("fph_submitted"),
            get=GET_405,
            post=DECIDERS_WRITE,
            data=fph_vote,
            writes=frozenset({"project_lead", "citizen_council", "admin"}),
            label="valid",
        ),
    ],
    "participation:micro-project-pay": [
        Case(kwargs=fph_project("fph_accepted"), get=GET_405, post=PROJECT_LEAD),
        Case(
            kwargs=fph_project("fph_accepted"),
            get=GET_405,
            post=PROJECT_LEAD_WRITES,
            data=lambda w: {
                "paid_on": timezone.localdate().isoformat(),
                "amount": "300",
            },
            writes=LEAD_AND_ADMIN,
            label="valid",
        ),
    ],
    "participation:micro-project-file": [
        Case(
            kwargs=lambda w: {
                "slug": w.contract.slug,
                "uuid": w.fph_reported.uuid,
                "pk": w.fph_file.pk,
            },
            get=FUND_COMMITTEE,
        )
    ],
}

# A submitted dossier is frozen: its edit pages refuse everyone (the carrier included).
FROZEN = _dossier_pages({}, keys=("submitted",))
API_POST = expect(403)  # read-only: DRF refuses the method before anything else

ROUTES = {
    # ---------------------------------------------------------------- contracts (access app)
    "workspace:home": [Case(get=EVERYONE, hidden=contract_name, hidden_from=STRANGERS_TO_A)],
    "contracts:contract-list": [
        Case(get=EVERYONE, hidden=contract_name, hidden_from=STRANGERS_TO_A)
    ],
    "contracts:contract-detail": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "contracts:matrix": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    # Governance: every reader of the contract sees its bodies; the chef de projet manages them
    # (an empty POST shows the form again, nothing is written).
    "governance:body-list": [
        Case(kwargs=contract(), get=CONTRACT_READERS, post=PROJECT_LEAD),
    ],
    "governance:body-detail": [
        Case(kwargs=contract(code="COPIL"), get=CONTRACT_READERS, post=PROJECT_LEAD),
    ],
    "governance:meeting-create": [
        Case(kwargs=contract(code="COPIL"), get=PROJECT_LEAD),  # empty POST: the form again
    ],
    "governance:contract-calendar": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "governance:meeting-detail": [
        # An empty point is refused with its message: nothing is written.
        Case(kwargs=meeting, get=CONTRACT_READERS, post=PROJECT_LEAD),
    ],
    "governance:meeting-ics": [Case(kwargs=meeting, get=CONTRACT_READERS)],
    # The register is public with its contract; an empty decision is refused with its message.
    "governance:decision-list": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "governance:decision-export-pdf": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "governance:decision-export-xlsx": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "governance:decision-create": [
        Case(
            kwargs=meeting,
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=200, admin=200),
        ),
    ],
    "governance:meeting-edit": [Case(kwargs=meeting, get=PROJECT_LEAD)],
    "governance:meeting-cancel": [
        Case(
            kwargs=meeting,
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    "governance:meeting-convene": [
        Case(
            kwargs=meeting,
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    # Nobody convened yet: an empty table changes nothing (« Rien n'a changé »).
    "governance:meeting-attendance": [
        Case(
            kwargs=meeting,
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
        ),
    ],
    "governance:agenda-entry-remove": [
        Case(
            kwargs=lambda w: {"uuid": w.meeting.uuid, "pk": w.agenda_entry.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    # Minutes and documents: the contract's people read a draft and every document (contract
    # A is unpublished: the public of a published contract is tested in tests/governance);
    # the chef de projet writes, approves, uploads and removes.
    "governance:minutes-list": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "governance:minutes-detail": [
        # An empty form is refused (400) and writes nothing.
        Case(
            kwargs=meeting,
            get=CONTRACT_READERS,
            post=expect(403, anonymous=LOGIN, project_lead=400, admin=400),
            label="draft",
        ),
        # Approved: frozen, the save is refused with its message.
        Case(
            kwargs=lambda w: {"uuid": w.approved_minutes.meeting.uuid},
            get=CONTRACT_READERS,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            data=lambda w: {"text": "Réécrit", "version": w.approved_minutes.version},
            label="approved",
        ),
    ],
    "governance:minutes-pdf": [
        Case(
            kwargs=lambda w: {"uuid": w.approved_minutes.meeting.uuid},
            get=CONTRACT_READERS,
            label="approved",
        ),
        Case(kwargs=meeting, get=expect(404, anonymous=LOGIN, no_role=403), label="draft"),
    ],
    # The minutes exist already: the button leads to them, nothing is written.
    "governance:minutes-start": [
        Case(
            kwargs=meeting,
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
        ),
    ],
    "governance:minutes-approve": [
        Case(
            kwargs=lambda w: {"uuid": w.next_meeting.uuid, "earlier": w.meeting.uuid},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    # An empty upload is refused (400) on the meeting page.
    "governance:document-add": [
        Case(
            kwargs=meeting,
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=400, admin=400),
        ),
    ],
    "governance:document-download": [
        Case(
            kwargs=lambda w, key=key: {"uuid": w.meeting.uuid, "pk": w.objects[key].pk},
            get=CONTRACT_READERS,
            label=key,
        )
        for key in ("meeting_document", "public_document")
    ],
    "governance:document-publish": [
        Case(
            kwargs=lambda w: {"uuid": w.meeting.uuid, "pk": w.meeting_document.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            data=lambda w: {"public": "1"},
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    "governance:document-remove": [
        Case(
            kwargs=lambda w: {"uuid": w.meeting.uuid, "pk": w.meeting_document.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    "governance:member-remove": [
        Case(
            kwargs=lambda w: {"slug": w.contract.slug, "code": "COPIL", "pk": w.membership.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    # An empty person is refused with its message (the body page again): nothing written.
    "governance:person-add": [
        Case(
            kwargs=contract(code="COPIL"),
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=200, admin=200),
        ),
    ],
    "governance:person-remove": [
        Case(
            kwargs=lambda w: {"slug": w.contract.slug, "code": "COPIL", "pk": w.body_person.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        ),
    ],
    "contracts:engagement-detail": [Case(kwargs=contract(number=1), get=CONTRACT_READERS)],
    "contracts:matrix-export": [Case(kwargs=contract(fmt="csv"), get=CONTRACT_READERS)],
    "contracts:partner-detail": [Case(kwargs=contract(code="CAF"), get=CONTRACT_READERS)],
    # Correcting imported data: the chef de projet of the contract and platform admins.
    "contracts:partner-edit": [
        Case(kwargs=contract(code="CAF"), get=PROJECT_LEAD),  # empty POST: the form again
        Case(
            kwargs=contract(code="CAF"),
            get=PROJECT_LEAD,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            data=lambda w: {"name": "Caisse d'allocations familiales (corrigé)", "kind": "caf"},
            writes=frozenset({"project_lead", "admin"}),
            label="valid",
        ),
    ],
    "contracts:engagement-edit": [
        Case(kwargs=contract(number=1), get=PROJECT_LEAD),
        Case(
            kwargs=contract(number=1),
            get=PROJECT_LEAD,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            data=lambda w: {
                "text": "Texte corrigé",
                "pillar": w.contract.engagements.get(number=1).pillar_id,
            },
            writes=frozenset({"project_lead", "admin"}),
            label="valid",
        ),
    ],
    "contracts:glossary": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "contracts:source-document": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "contracts:warning-review": [
        Case(
            kwargs=lambda w: {"slug": w.contract.slug, "pk": w.warning.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, **dict.fromkeys(STEERING_PEOPLE, 302)),
            writes=frozenset(STEERING_PEOPLE),
        ),
        # A's warning through contract B's URL: B's steering roles find nothing to review.
        Case(
            kwargs=lambda w: {"slug": w.other_contract.slug, "pk": w.warning.pk},
            get=GET_405,
            post=expect(
                403, anonymous=LOGIN, project_lead_b=404, prefect_delegate_b=404, admin=404
            ),
            label="through contract B",
        ),
    ],
    "protocol_import:import": [Case(kwargs=contract(), get=PROJECT_LEAD)],
    "protocol_import:import-new": [Case(get=ADMIN_ONLY)],
    # An import job is its author's (the chef de projet here) and the admins'; 404 for others.
    # The job failed: applying it writes nothing.
    "protocol_import:job": [
        Case(
            kwargs=lambda w: {"uuid": w.import_job.uuid},
            get=expect(404, anonymous=LOGIN, project_lead=200, admin=200),
            post=expect(404, anonymous=LOGIN, project_lead=302, admin=302),
        )
    ],
    # ---------------------------------------------------------------- archive and deletion
    "contracts:contract-archive": [
        Case(
            kwargs=contract(),
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        )
    ],
    # Contract A is not archived: unarchiving it changes nothing, even for the admin.
    "contracts:contract-unarchive": [
        Case(
            kwargs=contract(),
            get=GET_405,
            post=expect(403, anonymous=LOGIN, admin=302),
        )
    ],
    # The confirmation page; a POST without the typed slug deletes nothing.
    "programming:contract-delete": [Case(kwargs=contract(), get=ADMIN_ONLY)],
    # ---------------------------------------------------------------- roles and journal
    # The journal shows no draft (its carrier's business).
    "access:events": [
        Case(
            kwargs=contract(),
            get=STEERING,
            hidden=lambda w: [w.draft.title],
            hidden_from=frozenset(PEOPLE),
        )
    ],
    "access:contract-roles": [
        Case(
            kwargs=contract(),
            get=expect(403, anonymous=LOGIN, project_lead=200, admin=200, funder_admin=200),
            # The chef de projet invites an observer; the CAF's funder admin may not.
            data=lambda w: {"email": "invitee@example.org", "role": "observer"},
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302, funder_admin=200),
            writes=frozenset({"project_lead", "admin"}),
            label="invite an observer",
        ),
        Case(
            kwargs=contract(),
            get=expect(403, anonymous=LOGIN, project_lead=200, admin=200, funder_admin=200),
            # The CAF's instructors are the CAF's to appoint, not the chef de projet's.
            data=lambda w: {
                "email": "instructor@example.org",
                "role": "funder_instructor",
                "organisation": w.caf.pk,
            },
            post=expect(403, anonymous=LOGIN, project_lead=200, admin=302, funder_admin=302),
            writes=frozenset({"admin", "funder_admin"}),
            label="appoint a CAF instructor",
        ),
        Case(
            kwargs=contract(),
            get=expect(403, anonymous=LOGIN, project_lead=200, admin=200, funder_admin=200),
            # The chef de projet attaches people to the contract's organisations only.
            data=lambda w: {
                "email": "stranger@example.org",
                "role": "carrier",
                "organisation": w.outsider.pk,
            },
            post=expect(403, anonymous=LOGIN, project_lead=200, admin=302, funder_admin=200),
            writes=frozenset({"admin"}),
            label="attach to an organisation of another contract",
        ),
    ],
    "access:contract-role-revoke": [
        Case(
            kwargs=lambda w: {"slug": w.contract.slug, "pk": w.assignment.pk},
            get=GET_405,
            # The observer's role: the CAF's funder admin manages only the CAF's instructors.
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302, funder_admin=404),
            writes=frozenset({"project_lead", "admin"}),
        ),
        # A's role through contract B's URL: B's chef de projet finds nothing to revoke.
        Case(
            kwargs=lambda w: {"slug": w.other_contract.slug, "pk": w.assignment.pk},
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead_b=404, admin=404),
            label="through contract B",
        ),
    ],
    "access:my-roles": [Case(get=SIGNED_IN)],
    # ---------------------------------------------------------------- accounts
    # The legal pages of the footer: public, read only.
    "core:accessibility": [Case(get=EVERYONE, post=expect(405))],
    "core:legal-notice": [Case(get=EVERYONE, post=expect(405))],
    "core:personal-data": [Case(get=EVERYONE, post=expect(405))],
    "accounts:login": [Case(get=expect(302, anonymous=200))],  # signed in: to their account
    "accounts:logout": [Case(get=GET_405, post=expect(302))],
    "accounts:password-reset": [Case(get=EVERYONE)],
    "accounts:password-reset-done": [Case(get=EVERYONE, post=expect(405))],
    "accounts:password-reset-confirm": [  # an invalid link page
        Case(kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"}, get=EVERYONE)
    ],
    "accounts:password-reset-complete": [Case(get=EVERYONE, post=expect(405))],
    "accounts:my-account": [Case(get=SIGNED_IN)],
    "accounts:password-change": [Case(get=SIGNED_IN)],
    # Notifications are one's own: nobody in the world has any, so another's is a 404.
    "accounts:notifications": [Case(get=SIGNED_IN)],
    "accounts:notifications-read": [
        Case(
            get=GET_405_SIGNED_IN,
            post=expect(302, anonymous=LOGIN),
            writes=frozenset(set(PEOPLE) - {"anonymous"}),
        )
    ],
    "accounts:notification-read": [
        Case(
            kwargs=lambda w: {"pk": 2_000_000_000},
            get=GET_405_SIGNED_IN,
            post=expect(404, anonymous=LOGIN),
        )
    ],
    "access:organisation-list": [
        Case(get=SIGNED_IN, hidden=association_name, hidden_from=NOT_ORGANISATION_READERS)
    ],
    "access:organisation-detail": [Case(kwargs=association, get=ORGANISATION_READERS)],
    "access:organisation-edit": [
        Case(
            kwargs=association,
            get=ORGANISATION_EDITORS,
            data=lambda w: {"name": "Association renommée", "kind": w.association.kind},
            post=only(ORGANISATION_READERS, carrier=302, carrier_b=302, admin=302),
            writes=frozenset({"carrier", "carrier_b", "admin"}),
        )
    ],
    "oidc-login": [Case(get=expect(404))],  # ProConnect is off unless configured
    "oidc-callback": [Case(get=expect(404))],
    "admin:index": [Case(get=expect(302, admin=200))],  # Django's admin has its own login
    # ---------------------------------------------------------------- API (read-only)
    "api:contract-list": [
        Case(get=EVERYONE, post=API_POST, hidden=contract_name, hidden_from=STRANGERS_TO_A)
    ],
    "api:contract-detail": [Case(kwargs=contract(), get=API_CONTRACT, post=API_POST)],
    "api:contract-engagements": [Case(kwargs=contract(), get=API_CONTRACT, post=API_POST)],
    "api:organisation-list": [
        Case(
            get=expect(200, anonymous=403),
            post=API_POST,
            hidden=association_name,
            hidden_from=NOT_ORGANISATION_READERS,
        )
    ],
    "api:organisation-detail": [Case(kwargs=association, get=API_ORGANISATION, post=API_POST)],
    "api:application-funding-requests": [  # the ledger's rules
        Case(
            kwargs=dossier(key),
            get=only(
                {**READERS_OF[key], "anonymous": 403},
                project_lead=200,
                prefect_delegate=200,
                funder_instructor=200,
                etat_instructor=200,
                carrier=200,
                admin=200,
            ),
            post=API_POST,
            label=key,
        )
        for key in ("shared", "paid")
    ],
    "api:schema": [Case(get=EVERYONE, post=expect(405))],
    "api:docs": [Case(get=EVERYONE, post=expect(405))],
    # ---------------------------------------------------------------- calls for projects
    "programming:call-list": [Case(kwargs=contract(), get=CONTRACT_READERS)],
    "programming:call-create": [Case(kwargs=contract(), get=PROJECT_LEAD)],
    "programming:call-detail": [
        Case(kwargs=call("call"), get=CONTRACT_READERS, label="in instruction"),
        Case(kwargs=call("open_call"), get=CONTRACT_READERS, label="open"),
        # A call in preparation is its managers' business.
        Case(kwargs=call("draft_call"), get=PROJECT_LEAD, label="in preparation"),
    ],
    "programming:call-edit": [
        Case(kwargs=call(key), get=PROJECT_LEAD, label=key) for key in ("call", "draft_call")
    ],
    "programming:call-copy": [
        Case(
            kwargs=call("draft_call"),
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        )
    ],
    "programming:call-open": [
        Case(
            kwargs=call("draft_call"),
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            writes=frozenset({"project_lead", "admin"}),
        )
    ],
    "programming:call-start-instruction": [
        Case(
            kwargs=call("open_call"),
            get=GET_405,
            post=expect(403, anonymous=LOGIN, project_lead=302, admin=302),
            label="before its deadline: refused with a message",
        )
    ],
    "programming:call-ledger": [Case(kwargs=call("call"), get=INSTRUCTORS)],
    "programming:instruction-list": [
        Case(
            kwargs=call("call"),
            get=INSTRUCTORS,
            hidden=lambda w: [w.caf_only.title],  # each funder instructs what it is asked
            hidden_from=frozenset({"etat_instructor"}),
        ),
        Case(
            kwargs=call("call"),
            get=INSTRUCTORS,
            hidden=private_note,
            hidden_from=NOT_CAF_INSTRUCTORS,
            label="the CAF's private note",
        ),
    ],
    "programming:instruction-export": [
        Case(
            kwargs=call("call"),
            get=INSTRUCTORS,
            hidden=lambda w: [w.caf_only.title, PRIVATE_NOTE],
            hidden_from=frozenset({"etat_instructor"}),
        ),
        Case(
            kwargs=call("call"),
            get=INSTRUCTORS,
            hidden=private_note,
            hidden_from=frozenset(PEOPLE),  # the export carries no private note, even the CAF's
            label="no private note",
        ),
    ],
    # Across contracts: whoever instructs for a funder somewhere (on B too: an empty inbox).
    "programming:instruction-inbox": _queue_cases(INBOX_PEOPLE),
    "programming:instruction-inbox-export": _queue_cases(INBOX_PEOPLE),
    "programming:council-queue": _queue_cases(COUNCIL_PEOPLE),
    "programming:session-create": [Case(kwargs=call("call"), get=STEERING)],
    "programming:session-detail": [
        Case(
            kwargs=lambda w: {"uuid": w.steering.uuid},
            get=STEERING,
            # No version of the table: it is shown again with the error, nothing is written.
            post=STEERING,
            hidden=private_note,
            hidden_from=NOT_CAF_INSTRUCTORS,
        ),
    ],
    "programming:session-agenda": [
        Case(
            kwargs=lambda w: {"uuid": w.steering.uuid},
            get=STEERING,
            # The session recorded decisions: its agenda is closed (a message, nothing written).
            post=expect(403, anonymous=LOGIN, **dict.fromkeys(STEERING_PEOPLE, 302)),
        ),
    ],
    "programming:programming-table": [
        Case(
            kwargs=call("call"),
            get=PROGRAMMING_TABLE,
            hidden=private_note,
            hidden_from=NOT_CAF_INSTRUCTORS,
            label="the CAF's private note",
        ),
        Case(kwargs=call("call"), get=PROGRAMMING_TABLE),
    ],
    "programming:programming-export": [
        Case(kwargs=lambda w: {"uuid": w.call.uuid, "fmt": "xlsx"}, get=PROGRAMMING_TABLE)
    ],
    # ---------------------------------------------------------------- dossiers
    # The carrier on B acts for the same association, but not on A: A's dossiers stay hidden.
    "programming:my-applications": [
        Case(
            get=SIGNED_IN,
            hidden=lambda w: [w.shared.title, w.draft.title],
            hidden_from=frozenset({"carrier_b", "revoked_carrier"}),
        )
    ],
    "programming:application-create": [
        Case(
            kwargs=call("open_call"),
            get=expect(403, anonymous=LOGIN, carrier=200),
            data=lambda w: {"carrier": w.association.pk, "title": "Nouvelle action"},
            post=expect(403, anonymous=LOGIN, carrier=302),
            writes=frozenset({"carrier"}),
            label="open",
        ),
        Case(
            kwargs=call("open_call"),
            get=expect(403, anonymous=LOGIN, carrier=200),
            # For an organisation the carrier does not act for: not a choice of the form.
            data=lambda w: {"carrier": w.caf.pk, "title": "Nouvelle action"},
            label="open, for another organisation",
        ),
        Case(
            kwargs=call("call"),
            get=expect(403, anonymous=LOGIN, carrier=200),  # the page says it is closed
            data=lambda w: {"carrier": w.association.pk, "title": "Nouvelle action"},
            label="in instruction",
        ),
        # Nobody starts a dossier on a call in preparation: carriers do not even see it.
        Case(
            kwargs=call("draft_call"),
            get=expect(403, anonymous=LOGIN, carrier=404),  # no hint that it exists
            data=lambda w: {"carrier": w.association.pk, "title": "Nouvelle action"},
            label="in preparation",
        ),
    ],
    "programming:application-detail": [
        *_dossier_pages(dict.fromkeys(PEOPLE, 200)),  # every reader
        # Contacts and attachments are personal data: not for the conseil citoyen nor observers.
        Case(
            kwargs=dossier("shared"),
            get=READERS_OF["shared"],
            hidden=lambda w: [w.shared.contact_email, w.shared_attachment.name],
            hidden_from=frozenset({"citizen_council", "observer"}),
            label="shared, personal data",
        ),
        Case(
            kwargs=dossier("shared"),
            get=READERS_OF["shared"],
            hidden=private_note,
            hidden_from=NOT_CAF_INSTRUCTORS,
            label="shared, the CAF's private note",
        ),
    ],
    # Attachments (the RIB) are personal data: not for the conseil citoyen nor observers.
    "programming:attachment-download": [
        Case(
            kwargs=lambda w, key=key: {
                "uuid": w.objects[key].uuid,
                "pk": w.objects[f"{key}_attachment"].pk,
            },
            get=only(READERS_OF[key], **PERSONAL_DATA),
            label=key,
        )
        for key in ("shared", "caf_only", "draft")
    ],
    "programming:application-edit": [*_dossier_pages({"carrier": 200}, keys=("draft",)), *FROZEN],
    "programming:application-budget": [*_dossier_pages({"carrier": 200}, keys=("draft",)), *FROZEN],
    "programming:application-attachments": [
        *_dossier_pages({"carrier": 200}, keys=("draft",)),
        *FROZEN,
        # Removing another dossier's attachment through one's own draft: not found.
        Case(
            kwargs=dossier("draft"),
            get=only(READERS_OF["draft"], carrier=200),
            data=lambda w: {"delete": str(w.caf_only_attachment.pk)},
            post=only(READERS_OF["draft"], carrier=404),
            label="remove another dossier's attachment",
        ),
        Case(
            kwargs=dossier("draft"),
            get=only(READERS_OF["draft"], carrier=200),
            data=lambda w: {"delete": str(w.draft_attachment.pk)},
            post=only(READERS_OF["draft"], carrier=302),
            writes=frozenset({"carrier"}),
            label="remove its own attachment",
        ),
    ],
    "programming:application-autosave": [
        Case(
            kwargs=dossier(key),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF[key], carrier=200),
            label=key,
        )
        for key in ("draft", "submitted")
    ],
    "programming:application-submit": [
        Case(
            kwargs=dossier("draft"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["draft"], carrier=200),  # incomplete: the errors are listed
            label="draft",
        ),
        Case(
            kwargs=dossier("submitted"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["submitted"]),
            label="submitted",
        ),
    ],
    "programming:application-withdraw": [
        Case(
            kwargs=dossier("submitted"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["submitted"], carrier=302),
            writes=frozenset({"carrier"}),
        )
    ],
    "programming:application-restore": [
        Case(
            kwargs=dossier("withdrawn"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["withdrawn"], carrier=302),
            writes=frozenset({"carrier"}),
            label="withdrawn",
        ),
        Case(  # only a withdrawn dossier is restored
            kwargs=dossier("submitted"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["submitted"]),
            label="submitted",
        ),
    ],
    # The accusé de réception of a filed version: those who see the dossier's personal data.
    "programming:application-receipt": [
        *(
            Case(
                kwargs=dossier(key, number=1),
                get=only(READERS_OF[key], **PERSONAL_DATA),
                label=key,
            )
            for key in ("shared", "submitted", "withdrawn")
        ),
        Case(  # a draft has no version: nothing to acknowledge
            kwargs=dossier("draft", number=1),
            get=only(READERS_OF["draft"], carrier=404, admin=404),
            label="draft",
        ),
    ],
    # A complement is asked by the CAF's and the État's instructors (of a funder the dossier
    # asks) or the chef de projet, on a dossier in instruction; an empty form is shown again.
    "programming:complement-request": [
        Case(
            kwargs=dossier("shared"),
            get=only(
                READERS_OF["shared"],
                project_lead=200,
                funder_instructor=200,
                etat_instructor=200,
                admin=200,
            ),
            label="shared",
        ),
        Case(
            kwargs=dossier("caf_only"),
            get=only(READERS_OF["caf_only"], project_lead=200, funder_instructor=200, admin=200),
            label="caf_only",
        ),
        *(
            Case(kwargs=dossier(key), get=only(READERS_OF[key]), label=key)
            for key in ("paid", "draft")
        ),
    ],
    # Nobody is asked a complement in the world: the carrier has nothing to resubmit.
    "programming:application-resubmit": [
        Case(
            kwargs=dossier(key),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF[key]),
            label=key,
        )
        for key in ("shared", "draft")
    ],
    # ---------------------------------------------------------------- instruction
    "programming:opinion-edit": [
        Case(
            kwargs=lambda w, key=key, funder=funder: {
                "uuid": w.objects[key].uuid,
                "funder": w.objects[funder].pk,
            },
            get=only(READERS_OF[key], **{instructor: 200}),
            # The funder's opinion, with a private note; nobody else may write it.
            data=lambda w, key=key, funder=funder: {
                "opinion": "favourable",
                "proposed": "1000",
                "private_note": "Note interne.",
                "version": w.objects[key]
                .funding_requests.get(funder=w.objects[funder])
                .opinion.version,
            },
            post=only(READERS_OF[key], **{instructor: 302}),
            writes=frozenset({instructor}),
            hidden=private_note,
            hidden_from=NOT_CAF_INSTRUCTORS,
            label=f"{key}, {funder}",
        )
        for key, funder, instructor in (
            ("shared", "caf", "funder_instructor"),
            ("shared", "etat", "etat_instructor"),
            ("caf_only", "caf", "funder_instructor"),
        )
    ],
    "programming:council-opinion": [
        Case(
            kwargs=dossier("shared"),
            get=only(READERS_OF["shared"], citizen_council=200),
            data=lambda w: {"opinion": "favourable", "comment": "Utile au quartier."},
            post=only(READERS_OF["shared"], citizen_council=302),
            writes=frozenset({"citizen_council"}),
        )
    ],
    # ---------------------------------------------------------------- follow-up
    "programming:decision-letter": _dossier_pages(
        {"project_lead": 200, "prefect_delegate": 200, "carrier": 200, "admin": 200},
        keys=("paid",),
    ),
    "programming:decision-notify": [
        Case(
            kwargs=dossier("paid"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["paid"], **dict.fromkeys(STEERING_PEOPLE, 302)),
            writes=frozenset(STEERING_PEOPLE),
        )
    ],
    "programming:convention-create": _dossier_pages(
        {"project_lead": 200, "admin": 200}, keys=("paid",)
    ),
    "programming:payment-create": [
        Case(
            kwargs=lambda w: {"pk": w.convention.pk},
            get=only(READERS_OF["paid"], project_lead=200, funder_instructor=200, admin=200),
            # A second payment of the CAF, within what it committed.
            data=lambda w: {
                "funder": w.caf.pk,
                "kind": "balance",
                "amount": "100",
                "paid_on": w.call.opens_on.isoformat(),
            },
            post=only(READERS_OF["paid"], project_lead=302, funder_instructor=302, admin=302),
            writes=frozenset({"project_lead", "funder_instructor", "admin"}),
        )
    ],
    "programming:ledger": _dossier_pages(
        {
            "project_lead": 200,
            "prefect_delegate": 200,
            "funder_instructor": 200,
            "etat_instructor": 200,
            "carrier": 200,
            "admin": 200,
        },
        keys=("shared", "paid"),
    ),
    "programming:report-create": _dossier_pages({"carrier": 200}, keys=("paid",)),
    "programming:report-override": [
        Case(
            kwargs=dossier("paid"),
            get=GET_405_SIGNED_IN,
            post=only(READERS_OF["paid"], project_lead=302, admin=302),  # no reason: a message
        )
    ],
    **PARTICIPATION_ROUTES,
    **FPH_ROUTES,
}
