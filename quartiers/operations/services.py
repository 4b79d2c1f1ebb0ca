"""Backups of a whole instance: one .tar.gz holding the database (`dumpdata`), the uploaded
files and a manifest with the SHA-256 of each member.

Layout of the archive:

    database.json          dumpdata, natural foreign keys (content types, permissions)
    media/<name>           every file a FileField refers to, under its storage name
    manifest.json          format, date, rows per model, {member: sha256}

Primary keys are kept (no natural primary keys): history rows and the journal refer to
objects by id. Content types and permissions are rebuilt by `migrate`; sessions and login
attempts are not worth restoring.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = 1
DATABASE = "database.json"
MANIFEST = "manifest.json"
MEDIA = "media/"
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


@dataclass
class Backup:
    """What an archive holds (or would hold): rows per model and media files."""

    counts: dict[str, int]
    files: list[str]
    missing: list[str] = field(default_factory=list)  # referenced but absent from the storage

    @property
    def objects(self) -> int:
        return sum(self.counts.values())


def _excluded(model) -> bool:
    meta = model._meta
    return meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not _excluded(model)
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in backed_up_models()}


def media_names() -> list[str]:
    """Every stored file a FileField (or ImageField) refers to."""
    names = set()
    for model in backed_up_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                values = model._default_manager.exclude(**{model_field.attname: ""})
                names.update(values.values_list(model_field.attname, flat=True))
    return sorted(names)


def plan_backup() -> Backup:
    names = media_names()
    present = [name for name in names if default_storage.exists(name)]
    return Backup(
        counts=row_counts(), files=present, missing=[n for n in names if n not in present]
    )


def default_archive_name() -> str:
    return f"quartiers-{timezone.localtime():%Y-%m-%d-%H%M%S}.tar.gz"


def _add(tar: tarfile.TarFile, name: str, data: bytes, hashes: dict[str, str]) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))
    hashes[name] = hashlib.sha256(data).hexdigest()


def write_backup(*, path: Path) -> Backup:
    """Write the archive at `path` (refused if it exists)."""
    path = Path(path)
    if path.exists():
        raise ValidationError(f"{path} existe déjà.")
    with _snapshot():
        return _write(path)


@contextmanager
def _snapshot():
    """One transaction, so the dump is consistent; on PostgreSQL in REPEATABLE READ (its
    default, READ COMMITTED, would let rows written meanwhile in)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _write(path: Path) -> Backup:
    backup = plan_backup()
    hashes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DATABASE
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            output=str(dump),
            verbosity=0,
        )
        with tarfile.open(path, "x:gz") as tar:
            _add(tar, DATABASE, dump.read_bytes(), hashes)
            for name in backup.files:
                with default_storage.open(name, "rb") as stored:
                    _add(tar, MEDIA + name, stored.read(), hashes)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "counts": backup.counts,
                "files": hashes,
            }
            _add(tar, MANIFEST, json.dumps(manifest, indent=2).encode(), {})
    return backup


def _safe_media_name(member: str) -> str:
    name = member.removeprefix(MEDIA)
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or ".." in parts or "\\" in name:
        raise ValidationError(f"Nom de fichier refusé dans l'archive : {member!r}.")
    return name


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    return tar.extractfile(name).read()


def read_backup(*, path: Path) -> tuple[Backup, dict]:
    """Check the archive against its manifest; returns what it holds and the manifest."""
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as error:
        raise ValidationError(f"Archive illisible : {error}") from error
    with tar:
        members = tar.getmembers()
        if any(not member.isfile() for member in members):
            raise ValidationError("L'archive contient autre chose que des fichiers.")
        names = {member.name for member in members}
        if MANIFEST not in names:
            raise ValidationError("L'archive n'a pas de manifeste.")
        try:
            manifest = json.loads(_read(tar, MANIFEST))
            version, expected = manifest.get("format"), manifest["files"]
        except (ValueError, KeyError, AttributeError) as error:
            raise ValidationError("Le manifeste de l'archive est illisible.") from error
        if version != FORMAT:
            raise ValidationError(f"Format d'archive inconnu : {version!r}.")
        if names - {MANIFEST} != set(expected) or DATABASE not in expected:
            raise ValidationError("Le contenu de l'archive ne correspond pas à son manifeste.")
        for name, digest in expected.items():
            if name != DATABASE:
                _safe_media_name(name)
            if hashlib.sha256(_read(tar, name)).hexdigest() != digest:
                raise ValidationError(f"Empreinte SHA-256 fausse pour {name}.")
    files = sorted(name.removeprefix(MEDIA) for name in expected if name != DATABASE)
    return Backup(counts=manifest["counts"], files=files), manifest


def database_is_empty() -> bool:
    return not any(model._default_manager.exists() for model in backed_up_models())


@transaction.atomic
def restore_backup(*, path: Path, force: bool = False) -> Backup:
    """Load the archive: the database (emptied first with `force`), then the files."""
    backup, _ = read_backup(path=path)
    if not database_is_empty():
        if not force:
            raise ValidationError("La base n'est pas vide : --force pour l'effacer avant.")
        call_command("flush", interactive=False, verbosity=0)
    with tarfile.open(path, "r:gz") as tar, tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DATABASE
        dump.write_bytes(_read(tar, DATABASE))
        call_command("loaddata", str(dump), verbosity=0)
        for member in tar:  # in the archive's order: a .tar.gz is read forwards
            if not member.name.startswith(MEDIA):
                continue
            name = member.name.removeprefix(MEDIA)
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(tar.extractfile(member).read()))
            if saved != name:
                raise ValidationError(f"{name} a été enregistré sous {saved}.")
    return backup


def archive_date(manifest: dict) -> datetime.datetime:
    return datetime.datetime.fromisoformat(manifest["created_at"])
