"""Import a protocol: read, extract, compare with what is stored, and write on request.

The command line calls `preview_import` then `apply_import` directly. The browser goes
through an `ImportJob`: `start_import_job` stores the document and queues
`analyse_import_job` (the preview, step by step), `apply_import_job` applies it once, and
`purge_expired_imports` deletes what expired.
"""

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.contracts.content import ImportedContent
from quartiers.contracts.models import Contract
from quartiers.governance import services as governance_services
from quartiers.protocol_import.changes import Change, changes_between, new_contract
from quartiers.protocol_import.documents import Document, read_document
from quartiers.protocol_import.enums import APPLICABLE_STATUSES, ImportJobStatus
from quartiers.protocol_import.extraction import extract
from quartiers.protocol_import.extraction.pipeline import PASSES
from quartiers.protocol_import.models import ImportJob

logger = logging.getLogger(__name__)

# The steps an import job reports: reading the file, each extraction pass, the comparison.
STEP_COUNT = len(PASSES) + 2


@dataclass(frozen=True)
class ImportReport:
    content: ImportedContent
    slug: str
    contract: Contract | None  # None: the import would create the contract
    changes: tuple[Change, ...]
    up_to_date: bool  # the contract already holds exactly this content
    applied: bool = False

    @property
    def is_new(self) -> bool:
        return self.contract is None


def extract_content(*, name: str, data: bytes) -> ImportedContent:
    """Read and extract a protocol; ValidationError (French message) on unreadable input."""
    return extract(read_document(name, data))


def default_slug(content: ImportedContent) -> str:
    base = content.contract.territory or content.source.title or content.source.name
    return slugify(base.replace("œ", "oe").replace("Œ", "Oe"))[:100] or "contrat"


def preview_import(
    *,
    name: str,
    data: bytes,
    slug: str | None = None,
    create_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """What importing the document would change, without writing anything.

    `create_only`: refuse a document whose contract already exists (the browser's « new
    contract » page must not overwrite one). `progress(step)` is told each step as it starts,
    from 1 to `STEP_COUNT`.
    """
    _document, report = _prepare(name, data, slug, create_only, progress)
    return report


@transaction.atomic
def apply_import(
    *, name: str, data: bytes, slug: str | None = None, create_only: bool = False, by=None
) -> ImportReport:
    """Write what `preview_import` shows; a document already imported writes nothing."""
    document, report = _prepare(name, data, slug, create_only)
    if report.up_to_date:
        return report
    contract = contract_services.sync_imported_content(
        contract=report.contract, slug=report.slug, content=report.content, lines=document.lines
    )
    governance_services.sync_bodies(contract=contract)
    changes = [str(change) for change in report.changes]
    record_event(
        verb="import_applied",
        summary=f"Import de « {name} » : {len(changes)} changement(s)",
        contract=contract,
        actor=by,
        data={"sha256": document.sha256, "changes": changes[:200]},
    )
    return replace(report, contract=contract, applied=True)


def _prepare(name, data, slug, create_only, progress=None) -> tuple[Document, ImportReport]:
    progress = progress or (lambda step: None)
    progress(1)
    document = read_document(name, data)
    content = extract(document, progress=lambda number: progress(1 + number))
    progress(STEP_COUNT)
    if not content.contract.territory and not content.engagements:
        raise ValidationError(
            "Rien d'importable : ni nom de territoire ni engagement n'ont été trouvés dans "
            f"« {name} »."
        )
    slug = slug or default_slug(content)
    contract = Contract.objects.filter(slug=slug).first()
    if contract is not None and create_only:
        raise ValidationError(f"Un contrat « {contract} » existe déjà : importez depuis sa page.")
    if contract is not None:
        contract_services.ensure_not_archived(contract)  # said at the preview already
    if contract is None:
        changes, up_to_date = new_contract(content), False
    else:
        stored = contract_services.snapshot(contract)
        changes, up_to_date = changes_between(stored, content), stored == content
    return document, ImportReport(content, slug, contract, tuple(changes), up_to_date)


STAGING_DIR = "imports"


def stage_upload(*, name: str, data: bytes) -> str:
    """Keep an uploaded document between the preview and its application; returns a token."""
    token = uuid.uuid4().hex
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "txt"
    default_storage.save(f"{STAGING_DIR}/{token}.{suffix}", ContentFile(data))
    return f"{token}.{suffix}"


def read_staged(token: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{2,8}", token or ""):
        raise ValidationError("Document en attente introuvable : déposez-le à nouveau.")
    path = f"{STAGING_DIR}/{token}"
    if not default_storage.exists(path):
        raise ValidationError("Document en attente introuvable : déposez-le à nouveau.")
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def discard_staged(token: str) -> None:
    path = f"{STAGING_DIR}/{token}"
    if default_storage.exists(path):
        default_storage.delete(path)


def preview_data(report: ImportReport) -> dict:
    """What the job page shows of a preview, as JSON (an import job's `result`)."""
    content = report.content
    return {
        "slug": report.slug,
        "is_new": report.is_new,
        "up_to_date": report.up_to_date,
        "source_name": content.source.name if content.source else "",
        "contract_name": content.contract.name,
        "epci": content.contract.epci or "",
        "signed_on": content.contract.signed_on.isoformat() if content.contract.signed_on else None,
        "ends_on": content.ends_on.isoformat() if content.ends_on else None,
        "pillars": len(content.pillars),
        "engagements": len(content.engagements),
        "partners": len(content.partners),
        "warnings": [{"line": w.line, "message": w.message} for w in content.warnings],
        "changes": [
            {"subject": c.subject, "field": c.field, "before": c.before, "after": c.after}
            for c in report.changes
        ],
    }


def start_import_job(*, name: str, data: bytes, contract: Contract | None, by) -> ImportJob:
    """Keep the document and queue its analysis; the job page follows it step by step.
    An archived contract is refused here, before the analysis (and again when applying)."""
    if contract is not None:
        contract_services.ensure_not_archived(contract)
    purge_expired_imports()
    job = ImportJob.objects.create(
        created_by=by,
        contract=contract,
        document_name=name,
        token=stage_upload(name=name, data=data),
        create_only=contract is None,
        step_count=STEP_COUNT,
        expires_at=timezone.now() + timedelta(seconds=settings.IMPORT_PREVIEW_TTL),
    )
    analyse_import_job.enqueue(job_id=job.pk)
    return job


ANALYSIS_FAILED = (
    "L'analyse du document a échoué de façon inattendue ; l'équipe technique en est "
    "informée. Réessayez, ou déposez le document enregistré dans un autre format."
)


@task()
def analyse_import_job(*, job_id: int) -> None:
    """Preview a job's document (the background queue); a refusal is kept as its message."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.PENDING).first()
    if job is None:  # purged meanwhile, or already analysed by another worker
        return
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(status=ImportJobStatus.RUNNING, step=0)
    try:
        report = preview_import(
            name=job.document_name,
            data=read_staged(job.token),
            slug=job.contract.slug if job.contract else None,
            create_only=job.create_only,
            progress=lambda step: jobs.update(step=step),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except Exception:
        logger.exception("Import job %s (« %s ») failed", job.uuid, job.document_name)
        error = ANALYSIS_FAILED
    else:
        jobs.update(status=ImportJobStatus.DONE, step=STEP_COUNT, result=preview_data(report))
        return
    jobs.update(status=ImportJobStatus.FAILED, error=error)
    discard_staged(job.token)


def apply_import_job(*, job: ImportJob, by) -> ImportReport:
    """Apply an analysed job's preview once; an expired or already applied one is refused."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == ImportJobStatus.APPLIED:
            raise ValidationError("Cet import est déjà appliqué.")
        if job.status not in APPLICABLE_STATUSES:
            raise ValidationError("L'analyse de ce document n'a pas abouti : rien à appliquer.")
        if job.is_expired:
            raise ValidationError(
                "Cet aperçu a expiré : rien n'a été écrit. Déposez à nouveau le document."
            )
        report = apply_import(
            name=job.document_name,
            data=read_staged(job.token),
            slug=job.result["slug"],
            create_only=job.create_only,
            by=by,
        )
        job.status = ImportJobStatus.APPLIED
        job.save(update_fields=["status"])
    discard_staged(job.token)
    return report


def purge_expired_imports() -> int:
    """Delete expired import jobs and their documents, and documents no job holds any more.

    Returns the number of documents deleted. Run by `quartiers purge_imports` (cron) and at
    the start of every browser import.
    """
    expired = ImportJob.objects.expired()
    tokens = set(expired.values_list("token", flat=True))
    expired.delete()
    kept = set(ImportJob.objects.values_list("token", flat=True))
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_PREVIEW_TTL)
    if default_storage.exists(STAGING_DIR):
        for filename in default_storage.listdir(STAGING_DIR)[1]:
            path = f"{STAGING_DIR}/{filename}"
            if filename not in kept and default_storage.get_modified_time(path) <= cutoff:
                tokens.add(filename)
    deleted = 0
    for token in tokens - kept:
        if default_storage.exists(f"{STAGING_DIR}/{token}"):
            discard_staged(token)
            deleted += 1
    return deleted
