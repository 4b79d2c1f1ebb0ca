"""Import a protocol: read, extract, compare with what is stored, and write on request."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from quartiers.access.services import record_event
from quartiers.contracts import services as contract_services
from quartiers.contracts.enums import AmendmentKind, Generation
from quartiers.contracts.models import Contract, SourceDocument
from quartiers.protocol_import.documents import read_document
from quartiers.protocol_import.extraction import Extraction, extract


@dataclass
class ImportReport:
    extraction: Extraction
    slug: str
    contract: Contract | None
    changes: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def is_new(self) -> bool:
        return self.contract is None or self.contract.pk is None


def extract_file(*, name: str, data: bytes) -> Extraction:
    """Read and extract a protocol; ValidationError (French message) on unreadable input."""
    return extract(read_document(name, data))


def comparable(payload: dict) -> dict:
    """The parts of an extraction that the database stores, without provenance."""
    data = {key: payload[key] for key in ("contract", "pillars", "priorities", "glossary")}
    data["governance_bodies"] = payload["governance_bodies"]
    data["partners"] = sorted(payload["partners"], key=lambda p: p["code"])
    data["contributions"] = payload["contributions"]
    data["engagements"] = [
        {key: e[key] for key in ("section", "theme", "text")}
        | {"roles": sorted(e["roles"], key=lambda r: (r["partner"], r["service"] or ""))}
        for e in payload["engagements"]
    ]
    data["glossary"] = sorted(payload["glossary"], key=lambda g: g["acronym"])
    return data


def diff(old: dict, new: dict) -> list[str]:
    """Human-readable differences between two `comparable()` payloads (French)."""
    changes: list[str] = []
    for key, value in new["contract"].items():
        if old["contract"].get(key) != value:
            changes.append(f"contrat, {key} : {old['contract'].get(key)!r} → {value!r}")
    labels = {
        "pillars": "pilier",
        "governance_bodies": "instance",
        "partners": "partenaire",
        "glossary": "glossaire",
        "contributions": "contribution",
    }
    for key, label in labels.items():
        changes += _list_changes(label, old[key], new[key])
    for kind in ("thematic", "transversal"):
        changes += _list_changes(
            f"priorité {kind}", old["priorities"][kind], new["priorities"][kind]
        )
    old_eng, new_eng = old["engagements"], new["engagements"]
    for number, (before, after) in enumerate(zip(old_eng, new_eng, strict=False), start=1):
        for key, label in (("text", "texte"), ("section", "pilier"), ("theme", "thème")):
            if before[key] != after[key]:
                changes.append(f"engagement {number} : {label} modifié")
        if before["roles"] != after["roles"]:
            changes.append(f"engagement {number} : rôles modifiés")
    for number in range(len(old_eng) + 1, len(new_eng) + 1):
        changes.append(f"+ engagement {number} : {new_eng[number - 1]['text'][:70]}")
    for number in range(len(new_eng) + 1, len(old_eng) + 1):
        changes.append(f"- engagement {number} : {old_eng[number - 1]['text'][:70]}")
    return changes


def _list_changes(label: str, old: list, new: list) -> list[str]:
    def show(item):
        if isinstance(item, dict):
            return " — ".join(str(v)[:70] for v in item.values() if v)
        return str(item)

    old_keys = [repr(i) for i in old]
    new_keys = [repr(i) for i in new]
    out = [
        f"+ {label} : {show(i)}" for i, k in zip(new, new_keys, strict=True) if k not in old_keys
    ]
    out += [
        f"- {label} : {show(i)}" for i, k in zip(old, old_keys, strict=True) if k not in new_keys
    ]
    return out


def default_slug(extraction: Extraction) -> str:
    base = extraction.territory or extraction.title or extraction.document.name
    return slugify(base.replace("œ", "oe").replace("Œ", "Oe"))[:100] or "contrat"


def import_protocol(
    *, extraction: Extraction, apply: bool, slug: str | None = None, by=None
) -> ImportReport:
    """Compare an extraction with the stored contract; write it only when `apply`."""
    slug = slug or default_slug(extraction)
    if not extraction.territory and not extraction.engagements:
        raise ValidationError(
            "Rien d'importable : ni nom de territoire ni engagement n'ont été trouvés dans "
            f"« {extraction.document.name} »."
        )
    contract = Contract.objects.filter(slug=slug).first()
    new_payload = comparable(extraction.to_json())
    if contract is None:
        changes = ["+ nouveau contrat"]
    else:
        changes = diff(comparable(contract_services.snapshot(contract)), new_payload)
    report = ImportReport(extraction=extraction, slug=slug, contract=contract, changes=changes)
    if apply and (changes or not _same_document(contract, extraction)):
        report.contract = _write(extraction, slug, contract)
        report.applied = True
        record_event(
            verb="import_applied",
            summary=f"Import de « {extraction.document.name} » : {len(changes)} changement(s)",
            contract=report.contract,
            actor=by,
            data={"sha256": extraction.document.sha256, "changes": changes[:200]},
        )
    return report


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


def _same_document(contract: Contract | None, extraction: Extraction) -> bool:
    return (
        contract is not None
        and contract.source_document is not None
        and contract.source_document.sha256 == extraction.document.sha256
    )


@transaction.atomic
def _write(extraction: Extraction, slug: str, contract: Contract | None) -> Contract:
    doc = extraction.document
    source, _ = SourceDocument.objects.update_or_create(
        sha256=doc.sha256,
        defaults={
            "name": doc.name,
            "title": extraction.title,
            "format": doc.format,
            "lines": doc.lines,
        },
    )
    fields = {
        "name": extraction.contract_name or extraction.title[:300] or doc.name,
        "territory": extraction.territory,
        "signed_on": extraction.signed_on,
        "starts_on": extraction.signed_on,
        "ends_on": extraction.original_ends_on if extraction.is_amendment else extraction.ends_on,
        "generation": Generation.CV_2024
        if extraction.signed_on and extraction.signed_on >= date(2023, 1, 1)
        else Generation.CV_2015,
        "source_document": source,
    }
    contract = contract_services.save_contract(
        contract=contract, slug=slug, epci_name=extraction.epci, **fields
    )
    contract_services.sync_imported_content(
        contract=contract, source=source, data=_content(extraction)
    )
    return contract


def _content(ex: Extraction) -> contract_services.ImportedContent:
    amendment = None
    if ex.is_amendment and ex.ends_on:
        amendment = {
            "kind": AmendmentKind.PROTOCOL
            if "protocole" in ex.title.lower()
            else AmendmentKind.AMENDMENT,
            "title": ex.title[:500],
            "starts_on": date(ex.period[0], 1, 1) if ex.period else None,
            "ends_on": ex.ends_on,
            "source_line": 1,
        }
    return contract_services.ImportedContent(
        territory=ex.territory,
        amendment=amendment,
        pillars=ex.pillars,
        priorities=ex.priorities,
        governance_bodies=ex.governance_bodies,
        partners=list(ex.partners.values()),
        glossary=ex.glossary,
        contributions=ex.contributions,
        engagements=ex.engagements,
        warnings=ex.warnings,
    )
