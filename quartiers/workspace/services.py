"""« Mon espace »: what waits for a signed-in person, per contract on which they hold a role.

`workspace(user)` reads every role of `user` once, then asks one small function per section.
Each section reads its rows for all the contracts concerned in one or two queries, so the
number of queries does not grow with the number of contracts, calls or dossiers. Who sees a
section, and which link an item offers, is decided by the predicates of `access.permissions`
and `programming.permissions` (never a rule of its own here).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from quartiers.access import permissions as access_permissions
from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.contracts.models import ImportWarning
from quartiers.programming import permissions, services
from quartiers.programming.enums import ApplicationStatus, CallStatus, CommitteeKind
from quartiers.programming.filters import OPINION_MISSING
from quartiers.programming.models import (
    Application,
    Attachment,
    CallForProjects,
    CommitteeSession,
    FundingRequest,
    RequiredAttachment,
)


@dataclass(frozen=True)
class Item:
    """One thing waiting: `label` (with its count, if any) links to the page where it is done."""

    label: str
    url: str
    count: int | None = None
    detail: str = ""
    late: bool = False


@dataclass
class Section:
    key: str
    title: str
    empty: str  # what will appear here, and when (shown when `items` is empty)
    items: list[Item] = field(default_factory=list)


@dataclass
class ContractSpace:
    contract: object
    roles: list[str]  # labels of the roles held
    sections: list[Section] = field(default_factory=list)


def _url(name, **kwargs):
    return reverse(f"programming:{name}", kwargs=kwargs)


def _plural(count, singular, plural):
    return f"{count} {singular if count == 1 else plural}"


def _date(value):
    return f"{value:%d/%m/%Y}"


def workspace(user) -> list[ContractSpace]:
    """The spaces of `user`, one per contract on which they hold a role (by contract name)."""
    assignments = list(
        RoleAssignment.objects.for_user(user).select_related("contract").order_by("contract__name")
    )
    access_permissions.prime_roles(user, assignments)
    spaces = {}
    for assignment in assignments:
        space = spaces.setdefault(
            assignment.contract_id, ContractSpace(contract=assignment.contract, roles=[])
        )
        label = assignment.get_role_display()
        if label not in space.roles:
            space.roles.append(label)
    contracts = [space.contract for space in spaces.values()]
    for builder in SECTIONS:
        for contract_pk, section in builder(user, contracts).items():
            spaces[contract_pk].sections.append(section)
    return list(spaces.values())


def _count_by_call(**lookups):
    """The dossiers matching `lookups` counted per call: rows of contract, call__uuid,
    call__title and count, newest call first."""
    return (
        Application.objects.filter(**lookups)
        .values("contract", "call__uuid", "call__title")
        .annotate(count=Count("pk"))
        .order_by("-call__year")
    )


def _steered(user, contracts):
    return [c for c in contracts if permissions.can_run_committees(user, c)]


def _visible_calls(user, contracts):
    """The calls of `contracts` that `user` may see, newest first, with their counts."""
    calls = (
        CallForProjects.objects.filter(contract__in=contracts)
        .select_related("contract")
        .annotate(
            filed=Count("applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED))
        )
        .order_by("-year")
    )
    return [call for call in calls if permissions.can_view_call(user, call)]


# Sections of the steering roles (chef·fe de projet, délégué·e du préfet) ------------------


def calls_section(user, contracts) -> dict[int, Section]:
    """Calls to open (in preparation), calls whose deadline passed (to close and instruct),
    and dossiers filed that are not in instruction yet."""
    steered = _steered(user, contracts)
    if not steered:
        return {}
    now = timezone.now()
    sections = {
        c.pk: Section(
            "calls",
            "Appels à projets",
            "Les appels à ouvrir, ceux dont la date limite est passée et les dossiers déposés "
            "apparaîtront ici dès qu’un appel à projets sera préparé.",
        )
        for c in steered
    }
    for call in _visible_calls(user, steered):
        items = sections[call.contract_id].items
        manage = permissions.can_manage_call(user, call)
        if call.status == CallStatus.DRAFT and manage:
            items.append(
                Item(
                    f"{call.title} : à ouvrir aux dépôts",
                    call.get_absolute_url(),
                    detail=f"ouverture prévue le {_date(call.opens_on)}",
                )
            )
        if call.status == CallStatus.OPEN and call.deadline < now and manage:
            items.append(
                Item(
                    f"{call.title} : date limite passée, clore et démarrer l’instruction",
                    call.get_absolute_url(),
                    detail=f"date limite : {_date(timezone.localtime(call.deadline))}",
                    late=True,
                )
            )
        if call.filed and permissions.can_list_instruction(user, call):
            items.append(
                Item(
                    f"{call.title} : "
                    + _plural(call.filed, "dossier déposé", "dossiers déposés")
                    + " pas encore en instruction",
                    _url("instruction-list", uuid=call.uuid),
                    count=call.filed,
                )
            )
    return sections


def sessions_section(user, contracts) -> dict[int, Section]:
    """Committees to prepare: a planned date without its session, a session without any
    opinion (comité technique) or decision (comité de pilotage) recorded."""
    steered = _steered(user, contracts)
    if not steered:
        return {}
    sections = {
        c.pk: Section(
            "sessions",
            "Comités à préparer",
            "Les séances des comités technique et de pilotage apparaîtront ici quand un appel "
            "en instruction aura une date de comité.",
        )
        for c in steered
    }
    calls = [
        call
        for call in _visible_calls(user, steered)
        if call.status == CallStatus.CLOSED and permissions.can_hold_sessions(user, call)
    ]
    sessions = (
        CommitteeSession.objects.filter(call__in=calls)
        .annotate(opinion_count=Count("opinions", distinct=True))
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("meeting__date")
    )
    held = defaultdict(list)
    for session in sessions:
        held[session.call_id].append(session)
    for call in calls:
        items = sections[call.contract_id].items
        planned = (
            (CommitteeKind.TECHNICAL, call.technical_committee_on),
            (CommitteeKind.STEERING, call.steering_committee_on),
        )
        for kind, on in planned:
            if on and not any(s.kind == kind and s.held_on == on for s in held[call.pk]):
                items.append(
                    Item(
                        f"{call.title} : {CommitteeKind(kind).label} du {_date(on)}, "
                        "séance à créer",
                        _url("session-create", uuid=call.uuid),
                    )
                )
        for session in held[call.pk]:
            recorded = (
                session.opinion_count
                if session.kind == CommitteeKind.TECHNICAL
                else session.decision_count
            )
            if not recorded:
                # A fact, not an order: the comité de pilotage may still wait for the comité
                # technique's opinions before anything can be decided.
                nothing = (
                    "aucun avis saisi"
                    if session.kind == CommitteeKind.TECHNICAL
                    else "aucune décision saisie"
                )
                items.append(
                    Item(
                        f"{call.title} : {session}, {nothing}",
                        _url("session-detail", uuid=session.uuid),
                    )
                )
    return sections


def decisions_section(user, contracts) -> dict[int, Section]:
    """Decisions taken by the comité de pilotage whose letter was not sent to the carrier."""
    steered = _steered(user, contracts)
    if not steered:
        return {}
    sections = {
        c.pk: Section(
            "decisions",
            "Décisions à notifier",
            "Les dossiers décidés en comité de pilotage dont la décision n’a pas été envoyée au "
            "porteur apparaîtront ici.",
        )
        for c in steered
    }
    rows = _count_by_call(
        contract__in=steered, status=ApplicationStatus.DECIDED, decision_letter__isnull=True
    )
    for row in rows:
        sections[row["contract"]].items.append(
            Item(
                f"{row['call__title']} : "
                + _plural(row["count"], "décision à envoyer", "décisions à envoyer"),
                _url("instruction-list", uuid=row["call__uuid"]),
                count=row["count"],
            )
        )
    return sections


def _due_reports(applications_filter):
    """Funded dossiers without bilan (`applications_filter` narrows them), with the date the
    bilan is due (`services.report_due_on`), earliest first."""
    funded = Application.objects.filter(
        applications_filter, status__in=services.FUNDED_STATUSES, report__isnull=True
    ).select_related("call")
    dated = [(services.report_due_on(a), a) for a in funded]
    return sorted(((due, a) for due, a in dated if due), key=lambda pair: pair[0])


def late_reports_section(user, contracts) -> dict[int, Section]:
    steered = _steered(user, contracts)
    if not steered:
        return {}
    sections = {
        c.pk: Section(
            "late-reports",
            "Bilans en retard",
            "Les actions financées dont le bilan n’est pas arrivé six mois après leur fin "
            "apparaîtront ici.",
        )
        for c in steered
    }
    today = timezone.localdate()
    late = defaultdict(list)
    for due, application in _due_reports(Q(contract__in=steered)):
        if due < today:
            late[application.call].append(application)
    for call, applications in late.items():
        sections[call.contract_id].items.append(
            Item(
                f"{call.title} : "
                + _plural(len(applications), "bilan en retard", "bilans en retard"),
                _url("call-ledger", uuid=call.uuid),
                count=len(applications),
                late=True,
            )
        )
    return sections


def import_warnings_section(user, contracts) -> dict[int, Section]:
    reviewers = [c for c in contracts if access_permissions.can_review_import(user, c)]
    if not reviewers:
        return {}
    counts = dict(
        ImportWarning.objects.filter(contract__in=reviewers, reviewed=False)
        .values("contract")
        .annotate(count=Count("pk"))
        .values_list("contract", "count")
    )
    sections = {}
    for contract in reviewers:
        section = Section(
            "import-warnings",
            "Avertissements d’import",
            "Les points que l’import du protocole n’a pas su trancher apparaîtront ici, "
            "à vérifier.",
        )
        if count := counts.get(contract.pk):
            section.items.append(
                Item(
                    _plural(count, "avertissement à vérifier", "avertissements à vérifier"),
                    contract.get_absolute_url() + "#avertissements",
                    count=count,
                )
            )
        sections[contract.pk] = section
    return sections


# Funders' instructors ---------------------------------------------------------------------


def instruction_section(user, contracts) -> dict[int, Section]:
    """The funding requests of the instructor's organisations awaiting their opinion, by call,
    with the date of the committee that will examine them."""
    funders = {c.pk: permissions.funder_organisations(user, c) for c in contracts}
    funders = {pk: ids for pk, ids in funders.items() if ids}
    if not funders:
        return {}
    sections = {
        pk: Section(
            "instruction",
            "Demandes de financement à instruire",
            "Les demandes adressées à votre organisation apparaîtront ici dès qu’un porteur "
            "aura déposé son dossier.",
        )
        for pk in funders
    }
    rows = (
        FundingRequest.objects.filter(
            application__contract__in=list(funders),
            funder__in={pk for ids in funders.values() for pk in ids},
            application__status__in=services.INSTRUCTABLE,
        )
        .filter(Q(opinion__isnull=True) | Q(opinion__opinion=""))
        .values(
            "application__contract",
            "funder",
            "funder__name",
            "application__call__uuid",
            "application__call__title",
            "application__call__technical_committee_on",
            "application__call__steering_committee_on",
        )
        .annotate(count=Count("pk"))
        .order_by("-application__call__year", "funder__name")
    )
    for row in rows:
        contract_pk = row["application__contract"]
        if row["funder"] not in funders[contract_pk]:
            continue  # an organisation this person instructs for on another contract only
        committee = (
            row["application__call__technical_committee_on"]
            or row["application__call__steering_committee_on"]
        )
        sections[contract_pk].items.append(
            Item(
                f"{row['application__call__title']} : "
                + _plural(row["count"], "demande", "demandes")
                + f" à {row['funder__name']} en attente de votre avis",
                reverse("programming:instruction-inbox")
                + f"?call={row['application__call__uuid']}&opinion={OPINION_MISSING}",
                count=row["count"],
                detail=f"comité le {_date(committee)}" if committee else "comité non daté",
            )
        )
    return sections


# Carriers ---------------------------------------------------------------------------------


def carrier_section(user, contracts) -> dict[int, Section]:
    """The carrier's dossiers that wait for them: drafts (and their missing mandatory pieces),
    decisions received, conventions to sign, bilans due or late."""
    carriers = {c.pk: permissions.carrier_organisations(user, c) for c in contracts}
    carriers = {pk: ids for pk, ids in carriers.items() if ids}
    if not carriers:
        return {}
    sections = {
        pk: Section(
            "carrier",
            "Mes dossiers",
            "Vos brouillons, les décisions reçues, les conventions à signer et les bilans "
            "attendus apparaîtront ici dès que vous aurez commencé un dossier.",
        )
        for pk in carriers
    }
    mandatory = (
        RequiredAttachment.objects.filter(call=OuterRef("call"), mandatory=True)
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    provided = (
        Attachment.objects.filter(
            application=OuterRef("pk"), required__mandatory=True, required__isnull=False
        )
        .order_by()
        .values("application")
        .annotate(n=Count("required", distinct=True))
        .values("n")
    )
    waiting = {
        ApplicationStatus.DRAFT,
        ApplicationStatus.COMPLEMENT_REQUESTED,
        ApplicationStatus.DECIDED,
        *services.FUNDED_STATUSES,
    }
    applications = (
        Application.objects.filter(
            contract__in=list(carriers),
            carrier__in={pk for ids in carriers.values() for pk in ids},
            status__in=waiting,
        )
        .select_related("contract", "call", "decision_letter", "report")
        .annotate(
            mandatory_count=Coalesce(Subquery(mandatory), 0),
            provided_count=Coalesce(Subquery(provided), 0),
            granted_count=Count(
                "funding_requests",
                filter=Q(funding_requests__granted__gt=0),
                distinct=True,
            ),
            convention_count=Count("conventions", distinct=True),
        )
        .order_by("call__deadline", "title")
    )
    today = timezone.localdate()
    for application in applications:
        if application.carrier_id not in carriers[application.contract_id]:
            continue
        items = sections[application.contract_id].items
        for item in _carrier_items(user, application, today):
            items.append(item)
    return sections


def _carrier_items(user, application, today):
    detail_url = application.get_absolute_url()
    status = application.status
    if status == ApplicationStatus.DRAFT and permissions.can_edit_application(user, application):
        deadline = timezone.localtime(application.call.deadline)
        yield Item(
            f"Brouillon : {application.title}",
            _url("application-edit", uuid=application.uuid),
            detail=f"à déposer avant le {_date(deadline)}",
        )
        missing = application.mandatory_count - application.provided_count
        if missing > 0:
            yield Item(
                f"{application.title} : "
                + _plural(missing, "pièce obligatoire manquante", "pièces obligatoires manquantes"),
                _url("application-attachments", uuid=application.uuid),
                count=missing,
            )
    if status == ApplicationStatus.COMPLEMENT_REQUESTED and permissions.can_answer_complement(
        user, application
    ):
        yield Item(
            f"Complément demandé : {application.title}",
            detail_url,
            detail="corrigez les points demandés puis renvoyez le dossier",
        )
    if status == ApplicationStatus.DECIDED:
        if getattr(application, "decision_letter", None) is not None:
            yield Item(f"Décision reçue : {application.title}", detail_url)
        if application.granted_count and not application.convention_count:
            yield Item(f"Convention à signer : {application.title}", detail_url)
    if status in services.FUNDED_STATUSES and getattr(application, "report", None) is None:
        due = services.report_due_on(application)
        if due and permissions.can_file_report(user, application):
            yield Item(
                f"Bilan {'en retard' if due < today else 'à rendre'} : {application.title}",
                _url("report-create", uuid=application.uuid),
                detail=f"attendu le {_date(due)}",
                late=due < today,
            )


# Conseil citoyen --------------------------------------------------------------------------


def council_section(user, contracts) -> dict[int, Section]:
    """Dossiers open for the conseil citoyen's opinion that it has not given yet, by call."""
    councils = [c for c in contracts if ContractRole.CITIZEN_COUNCIL in _roles(user, c)]
    if not councils:
        return {}
    sections = {
        c.pk: Section(
            "council",
            "Dossiers ouverts à l’avis du conseil citoyen",
            "Les dossiers déposés sur lesquels le conseil citoyen peut donner son avis "
            "apparaîtront ici, de leur dépôt jusqu’au comité technique.",
        )
        for c in councils
    }
    rows = _count_by_call(
        contract__in=councils,
        status__in=services.COUNCIL_OPINION_STATUSES,
        council_opinion__isnull=True,
    )
    for row in rows:
        sections[row["contract"]].items.append(
            Item(
                f"{row['call__title']} : "
                + _plural(row["count"], "dossier attend", "dossiers attendent")
                + " l’avis du conseil citoyen",
                reverse("programming:council-queue") + f"?call={row['call__uuid']}",
                count=row["count"],
            )
        )
    return sections


# Observers --------------------------------------------------------------------------------


def observer_section(user, contracts) -> dict[int, Section]:
    """What an observer may read: the calls and their programming tables."""
    observed = [c for c in contracts if ContractRole.OBSERVER in _roles(user, c)]
    if not observed:
        return {}
    sections = {
        c.pk: Section(
            "reading",
            "À consulter",
            "Les appels à projets et leurs tableaux de programmation apparaîtront ici dès "
            "qu’un appel sera ouvert.",
        )
        for c in observed
    }
    for call in _visible_calls(user, observed):
        items = sections[call.contract_id].items
        items.append(Item(call.title, call.get_absolute_url(), detail=call.get_status_display()))
        if permissions.can_read_programming_table(user, call):
            items.append(
                Item(
                    f"{call.title} : tableau de programmation",
                    _url("programming-table", uuid=call.uuid),
                )
            )
    return sections


def _roles(user, contract):
    return access_permissions.contract_roles(user, contract)


# In the order they are shown on each contract.
SECTIONS = [
    calls_section,
    sessions_section,
    decisions_section,
    late_reports_section,
    import_warnings_section,
    instruction_section,
    carrier_section,
    council_section,
    observer_section,
]
