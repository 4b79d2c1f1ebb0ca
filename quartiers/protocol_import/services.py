"""Import a protocol: read, extract, compare with what is stored, and write on request.

The command line and the browser both call `preview_import` then `apply_import`.
"""

import re
import uuid
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.contracts.content import ImportedContent
from quartiers.contracts.models import Contract
from quartiers.protocol_import.changes import Change, changes_between, new_contract
from quartiers.protocol_import.documents import Document, read_document
from quartiers.protocol_import.extraction import extract


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
    *, name: str, data: bytes, slug: str | None = None, create_only: bool = False
) -> ImportReport:
    """What importing the document would change, without writing anything.

    `create_only`: refuse a document whose contract already exists (the browser's « new
    contract » page must not overwrite one).
    """
    _document, report = _prepare(name, data, slug, create_only)
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
    changes = [str(change) for change in report.changes]
    record_event(
        verb="import_applied",
        summary=f"Import de « {name} » : {len(changes)} changement(s)",
        contract=contract,
        actor=by,
        data={"sha256": document.sha256, "changes": changes[:200]},
    )
    return replace(report, contract=contract, applied=True)


def _prepare(name, data, slug, create_only) -> tuple[Document, ImportReport]:
    document = read_document(name, data)
    content = extract(document)
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
