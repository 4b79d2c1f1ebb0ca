"""Time the work-queue pages of one large call (a large city's programming).

    export DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false \
        STATIC_ROOT=/tmp/bench-static STATIC_PRECOMPRESS=false
    .venv/bin/quartiers collectstatic --noinput -v0   # pages name hashed static files
    .venv/bin/python bench/large_call.py --applications 1000              # SQLite, temporary
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/large_call.py --applications 1000 --existing  # PostgreSQL

Without --existing, migrates a fresh temporary SQLite database. With --existing, uses the
configured database (DATABASE_URL; it must be migrated: `quartiers migrate`) and adds a new
contract to it each run. Builds one call with N submitted applications (bulk inserts, not the
services: seconds, not minutes): four funders on the call, each application asking two to
four of them, budgets, the funders' opinions (most given), the conseil citoyen's opinion on
some, a comité technique's opinions and a comité de pilotage's decisions on part of them; and
a second call of --pdf-rows applications for the signed PDF. Then, signed in as the role who
uses each page, requests each page -n times after a warm-up, and prints the median and 95th
percentile in milliseconds (wall clock, and the p95 of this process's CPU time: on a shared
machine the wall clock measures the neighbours too; with SQLite the CPU time includes the
queries, with PostgreSQL the server's share is not in it), the SQL queries of one request and
the size of the response.

Goals (issue 9, item 10), for N=1000 on SQLite and PostgreSQL: p95 ≤ 150 ms for the inbox,
the consolidated view, a committee session and the programming table; PDF of 300 rows ≤ 5 s
(rendered: the first line; the second is the same content again, from the cache). The
register of decisions and the comité de pilotage's meeting (one numbered decision per decided
dossier) are timed too (issue 10).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1000, help="dossiers in the call")
    parser.add_argument("--pdf-rows", type=int, default=300, help="rows of the PDF's call")
    parser.add_argument("-n", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--pdf-n", type=int, default=3, help="requests of the PDF (default 3)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page")
    parser.add_argument(
        "--only", nargs="*", default=[], help="pages whose name contains one of these words"
    )
    parser.add_argument(
        "--existing", action="store_true", help="use the configured database (DATABASE_URL)"
    )
    return parser.parse_args()


def setup(existing: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not existing:
        directory = tempfile.mkdtemp(prefix="quartiers-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    if not existing:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def build(n: int, pdf_rows: int, seed: int = 9) -> dict:
    """The contract, its people and two calls; returns what the pages need."""
    from django.db import transaction
    from django.utils import timezone

    from quartiers.access.enums import ContractRole
    from quartiers.access.models import RoleAssignment
    from quartiers.accounts.models import Organisation, User
    from quartiers.contracts.models import Contract, Pillar, Qpv, Theme
    from quartiers.core.enums import OrganisationKind
    from quartiers.governance.enums import DecisionKind
    from quartiers.governance.models import Decision as GovernanceDecision
    from quartiers.governance.numbering import decision_number
    from quartiers.programming import services
    from quartiers.programming.enums import (
        ApplicationStatus as S,
    )
    from quartiers.programming.enums import (
        BudgetSide,
        CallStatus,
        CommitteeKind,
        DecisionOutcome,
        Opinion,
    )
    from quartiers.programming.models import (
        Action,
        Application,
        BudgetLine,
        CallForProjects,
        CallFunder,
        CouncilOpinion,
        Decision,
        FunderOpinion,
        FundingRequest,
        GridCriterion,
        TechnicalOpinion,
    )

    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:8]
    now = timezone.now()
    with transaction.atomic():
        contract = Contract.objects.create(
            slug=f"grande-ville-{tag}",
            name=f"Contrat de ville de Grande-Ville {tag}",
            territory="X",
        )
        pillars = [Pillar.objects.create(contract=contract, name=name) for name in PILLARS]
        themes = [
            Theme.objects.create(pillar=pillar, name=f"{pillar.name} — thème {i}")
            for pillar in pillars
            for i in range(1, 4)
        ]
        qpvs = [Qpv.objects.create(contract=contract, name=f"Quartier {i}") for i in range(8)]
        funders = [Organisation.objects.create(name=name, kind=kind) for name, kind in FUNDERS]
        carriers = Organisation.objects.bulk_create(
            Organisation(name=f"Association n° {i} {tag}", kind=OrganisationKind.ASSOCIATION)
            for i in range(max(1, (n + pdf_rows) // 2))
        )

        def person(role, organisation=None, email=None):
            user = User.objects.create_user(email=email or f"{role}-{tag}@bench.example")
            RoleAssignment.objects.create(
                user=user, contract=contract, role=role, organisation=organisation
            )
            return user

        people = {
            "lead": person(ContractRole.PROJECT_LEAD),
            "instructor": person(ContractRole.FUNDER_INSTRUCTOR, funders[1]),  # the CAF
            "council": person(ContractRole.CITIZEN_COUNCIL),
        }

        def make_call(title, count, year):
            call = CallForProjects.objects.create(
                contract=contract,
                year=year,
                title=title,
                status=CallStatus.CLOSED,
                opens_on=datetime.date(2026, 1, 5),
                deadline=now - datetime.timedelta(days=30),
            )
            CallFunder.objects.bulk_create(
                CallFunder(call=call, organisation=f, envelope=Decimal("500000")) for f in funders
            )
            criteria = GridCriterion.objects.bulk_create(
                GridCriterion(call=call, label=f"Critère {i}", position=i) for i in range(3)
            )
            actions = Action.objects.bulk_create(
                Action(contract=contract, carrier=carriers[i % len(carriers)], title=f"Action {i}")
                for i in range(count)
            )
            statuses = [S.UNDER_INSTRUCTION] * 3 + [S.EXAMINED] * 3 + [S.DECIDED] * 4
            applications = Application.objects.bulk_create(
                Application(
                    contract=contract,
                    call=call,
                    action=action,
                    carrier=action.carrier,
                    status=statuses[i % len(statuses)],
                    title=f"{rng.choice(WORDS)} {rng.choice(PLACES)} n° {i}",
                    objectives="Objectifs de l'action. " * 5,
                    description="Description de l'action. " * 20,
                    pillar=themes[i % len(themes)].pillar,
                    theme=themes[i % len(themes)],
                    submitted_at=now - datetime.timedelta(days=40, minutes=i),
                    attested=True,
                )
                for i, action in enumerate(actions)
            )
            through = Application.qpvs.through
            through.objects.bulk_create(
                through(application_id=a.pk, qpv_id=qpvs[i % len(qpvs)].pk)
                for i, a in enumerate(applications)
            )
            lines, requests = [], []
            for i, application in enumerate(applications):
                asked = rng.sample(funders, rng.choice([2, 3, 3, 4]))
                if funders[1] not in asked and i % 2 == 0:
                    asked[0] = funders[1]  # the CAF is asked by over half of the dossiers
                total = Decimal(0)
                for funder in asked:
                    amount = Decimal(rng.randrange(1000, 15000, 500))
                    total += amount
                    requests.append(
                        FundingRequest(application=application, funder=funder, requested=amount)
                    )
                    lines.append(
                        BudgetLine(
                            application=application,
                            side=BudgetSide.PRODUCT,
                            account="74",
                            amount=amount,
                            funder=funder,
                        )
                    )
                for account, share in (("60", 3), ("61", 2), ("64", 5)):
                    lines.append(
                        BudgetLine(
                            application=application,
                            side=BudgetSide.CHARGE,
                            account=account,
                            amount=(total * share / 10).quantize(Decimal("1")),
                        )
                    )
            BudgetLine.objects.bulk_create(lines)
            requests = FundingRequest.objects.bulk_create(requests)
            verdicts = list(Opinion.values)
            opinions = []
            for k, request in enumerate(requests):
                given = k % 5 != 0
                opinions.append(
                    FunderOpinion(
                        request=request,
                        opinion=rng.choice(verdicts) if given else "",
                        shared_comment="Avis partagé." if given else "",
                        private_note="Note interne." if given else "",
                        scores={str(c.pk): rng.randint(1, 4) for c in criteria} if given else {},
                    )
                )
                if given:
                    request.proposed = (request.requested * Decimal("0.8")).quantize(Decimal("1"))
            FunderOpinion.objects.bulk_create(opinions)
            FundingRequest.objects.bulk_update(requests, ["proposed"])
            CouncilOpinion.objects.bulk_create(
                CouncilOpinion(application=a, opinion=Opinion.FAVOURABLE, by=people["council"])
                for a in applications[::3]
                if a.status != S.DECIDED
            )
            technical = services.create_committee_session(
                call=call, kind=CommitteeKind.TECHNICAL, held_on=datetime.date(year, 3, 2)
            )
            steering = services.create_committee_session(
                call=call, kind=CommitteeKind.STEERING, held_on=datetime.date(year, 3, 23)
            )
            examined = [a for a in applications if a.status in (S.EXAMINED, S.DECIDED)]
            TechnicalOpinion.objects.bulk_create(
                TechnicalOpinion(session=technical, application=a, opinion=rng.choice(verdicts))
                for a in examined
            )
            decided = {a.pk for a in applications if a.status == S.DECIDED}
            meeting = steering.meeting
            entries = dict(
                zip(
                    sorted(decided),
                    GovernanceDecision.objects.bulk_create(
                        GovernanceDecision(
                            contract=meeting.contract,
                            body=meeting.body,
                            meeting=meeting,
                            year=year,
                            sequence=rank,
                            number=decision_number(meeting.body.code, year, rank),
                            decided_on=meeting.date,
                            kind=DecisionKind.FUNDING,
                            title=f"Dossier {pk}",
                        )
                        for rank, pk in enumerate(sorted(decided), start=1)
                    ),
                    strict=True,
                )
            )
            decisions, granted = [], []
            for request in requests:
                if request.application_id in decided:
                    outcome = rng.choice([DecisionOutcome.GRANTED] * 4 + [DecisionOutcome.REFUSED])
                    decisions.append(
                        Decision(
                            session=steering,
                            request=request,
                            register_entry=entries[request.application_id],
                            outcome=outcome,
                            motivation="" if outcome == DecisionOutcome.GRANTED else "Hors champ.",
                        )
                    )
                    if outcome == DecisionOutcome.GRANTED:
                        request.granted = request.proposed or request.requested
                        granted.append(request)
            Decision.objects.bulk_create(decisions)
            FundingRequest.objects.bulk_update(granted, ["granted"])
            return call, technical, steering

        call, technical, steering = make_call("Programmation 2026", n, 2026)
        pdf_call, _, _ = make_call("Programmation 2025", pdf_rows, 2025)
    return {
        "call": call,
        "technical": technical,
        "steering": steering,
        "pdf_call": pdf_call,
        **people,
    }


PILLARS = ("Cohésion sociale", "Emploi et développement économique", "Cadre de vie")
FUNDERS = (
    ("État — ANCT", "state"),
    ("Caisse d'allocations familiales", "caf"),
    ("Ville de Grande-Ville", "commune"),
    ("Département", "department"),
)
WORDS = ("Ateliers", "Accompagnement", "Médiation", "Chantier", "Festival", "Soutien", "École")
PLACES = ("du Levant", "des Tilleuls", "de la Gare", "du Centre", "des Hauts", "du Port")


def measure(client, url: str, n: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, secure=True)  # secure: production redirects plain HTTP
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    query_count = len(queries.captured_queries)  # read now: each request resets the log
    timings, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url, secure=True)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": _p95(timings),
        "cpu_p95": _p95(cpu),
        "queries": query_count,
        "size": len(response.content),
    }


def _p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * len(values)) - 1)]


def _line(name, r):
    print(
        f"{name:<44} {r['median']:>10.1f} {r['p95']:>8.1f} {r['cpu_p95']:>11.1f} "
        f"{r['queries']:>9} {r['size'] / 1024:>7.1f}"
    )


def main() -> None:
    args = parse_args()
    setup(args.existing)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from config.collector import tune_collector

    start = time.perf_counter()
    world = build(args.applications, args.pdf_rows)
    built = time.perf_counter() - start
    # A server worker's heap holds the loaded code, not this script's world: tune the collector
    # as config/wsgi.py does once a worker is loaded, with the world frozen out of its walk.
    tune_collector()
    call, pdf_call = world["call"], world["pdf_call"]
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"DEBUG={settings.DEBUG}, {engine}, {args.applications} dossiers "
        f"(+{args.pdf_rows} for the PDF), built in {built:.1f} s, n={args.n}"
    )
    print(
        f"{'page':<44} {'médiane ms':>10} {'p95 ms':>8} {'p95 CPU ms':>11} {'requêtes':>9} "
        f"{'Ko':>7}"
    )
    pages = [
        ("instructor", "inbox (instructeur CAF)", reverse("programming:instruction-inbox")),
        (
            "instructor",
            "inbox, filtre avis à donner + tri montant",
            reverse("programming:instruction-inbox") + "?opinion=missing&sort=-requested",
        ),
        (
            "instructor",
            "vue d'instruction (instructeur CAF)",
            reverse("programming:instruction-list", kwargs={"uuid": call.uuid}),
        ),
        (
            "lead",
            "vue consolidée (chef·fe de projet)",
            reverse("programming:instruction-list", kwargs={"uuid": call.uuid}),
        ),
        (
            "lead",
            "vue consolidée, recherche + page 5",
            reverse("programming:instruction-list", kwargs={"uuid": call.uuid})
            + "?q=Ateliers&page=5",
        ),
        (
            "lead",
            "séance comité technique",
            reverse("programming:session-detail", kwargs={"uuid": world["technical"].uuid}),
        ),
        (
            "lead",
            "séance comité de pilotage",
            reverse("programming:session-detail", kwargs={"uuid": world["steering"].uuid}),
        ),
        (
            "lead",
            "tableau de programmation (HTML)",
            reverse("programming:programming-table", kwargs={"uuid": call.uuid}),
        ),
        ("council", "avis du conseil citoyen", reverse("programming:council-queue")),
        (
            "lead",
            "registre des décisions",
            reverse("governance:decision-list", kwargs={"slug": call.contract.slug}),
        ),
        (
            "lead",
            "registre des décisions, recherche",
            reverse("governance:decision-list", kwargs={"slug": call.contract.slug})
            + "?q=COPIL+Dossier&year=2026",
        ),
        (
            "lead",
            "réunion du comité de pilotage (ses décisions)",
            world["steering"].meeting.get_absolute_url(),
        ),
    ]
    clients = {}
    for role in ("lead", "instructor", "council"):
        clients[role] = Client()
        clients[role].force_login(world[role])
    for role, name, url in pages:
        if args.only and not any(word in name for word in args.only):
            continue
        _line(name, measure(clients[role], url, args.n, args.warmup))
    pdf_url = reverse(
        "programming:programming-export", kwargs={"uuid": pdf_call.uuid, "fmt": "pdf"}
    )
    if args.pdf_n and (not args.only or any(word.lower() in "pdf" for word in args.only)):
        from quartiers.programming import exports

        cache_seconds = exports.PDF_CACHE_SECONDS
        exports.PDF_CACHE_SECONDS = None  # every request renders: what a first request costs
        _line(
            f"tableau de programmation PDF ({args.pdf_rows} lignes)",
            measure(clients["lead"], pdf_url, args.pdf_n, 1),
        )
        exports.PDF_CACHE_SECONDS = cache_seconds
        _line("  le même, déjà en cache", measure(clients["lead"], pdf_url, args.pdf_n, 1))


if __name__ == "__main__":
    main()
