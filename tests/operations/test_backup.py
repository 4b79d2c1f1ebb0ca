"""`backup` and `restore`: dry runs by default, a round trip of the demo, a checked manifest."""

import hashlib
import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from quartiers.operations import services
from quartiers.programming.models import Attachment
from tests.programming.factories import AttachmentFactory

pytestmark = pytest.mark.django_db
# Flushing in the middle of a test: on PostgreSQL, TRUNCATE refuses rows written earlier in
# the same transaction, so those tests commit.
flushing = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(capsys):
    call_command("load_demo", "--apply")
    capsys.readouterr()


def test_backup_is_a_dry_run_by_default(tmp_path, capsys):
    AttachmentFactory.create_batch(2)
    path = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", str(path))
    out = capsys.readouterr().out
    assert f"Archive {path} :" in out
    assert "2 fichiers déposés" in out
    assert "Essai à blanc" in out
    assert not path.exists()


@flushing
def test_round_trip_of_the_demo(demo, tmp_path, capsys):
    rib = b"%PDF-1.4 RIB de l'association"
    attachment = AttachmentFactory(
        application=Attachment.objects.first().application,
        name="rib.pdf",
        file=ContentFile(rib, name="rib.pdf"),
        size=len(rib),
    )
    before = services.row_counts()
    assert before["programming.attachment"] > 0 and before["accounts.user"] > 0
    path = tmp_path / "sauvegarde.tar.gz"

    call_command("backup", str(path), "--apply")
    assert "Écrite" in capsys.readouterr().out
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        member = "media/" + attachment.file.name
        assert (
            manifest["files"][member] == hashlib.sha256(tar.extractfile(member).read()).hexdigest()
        )
    assert manifest["counts"] == before

    call_command("flush", interactive=False)
    default_storage.delete(attachment.file.name)
    assert Attachment.objects.count() == 0

    call_command("restore", str(path))
    out = capsys.readouterr().out
    assert f"{sum(before.values())} objets" in out and "Essai à blanc" in out
    assert Attachment.objects.count() == 0

    call_command("restore", str(path), "--apply")
    assert "Restaurée." in capsys.readouterr().out
    assert services.row_counts() == before
    restored = Attachment.objects.get(pk=attachment.pk)
    with restored.file.open("rb") as stored:
        assert stored.read() == rib


@flushing
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    AttachmentFactory()
    path = tmp_path / "sauvegarde.tar.gz"
    services.write_backup(path=path)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path), "--apply")
    before = services.row_counts()
    call_command("restore", str(path), "--apply", "--force")
    assert services.row_counts() == before


def rewrite(source, target, change):
    """Copy the archive, passing each member's (name, bytes) through `change`."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            name, data = change(member.name, old.extractfile(member).read())
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def tampered(name, data):
    return (name, data + b" ") if name == "database.json" else (name, data)


def renamed(name, data):
    return ("media/../../etc/x", data) if name.startswith("media/") else (name, data)


def escaping(name, data):
    """A member that would be written outside the storage, listed in the manifest too."""
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["files"] = {
            "media/../../etc/x" if key.startswith("media/") else key: value
            for key, value in manifest["files"].items()
        }
        return name, json.dumps(manifest).encode()
    return renamed(name, data)


@pytest.mark.parametrize(
    ("change", "error"),
    [(tampered, "SHA-256"), (renamed, "ne correspond pas"), (escaping, "Nom de fichier refusé")],
)
@flushing
def test_restore_checks_the_manifest(tmp_path, change, error):
    AttachmentFactory(name="rib.pdf")
    good, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    services.write_backup(path=good)
    rewrite(good, bad, change)
    call_command("flush", interactive=False)
    with pytest.raises(CommandError, match=error):
        call_command("restore", str(bad), "--apply")
    assert Attachment.objects.count() == 0


def test_a_missing_file_is_reported_not_hidden(tmp_path, capsys):
    attachment = AttachmentFactory()
    default_storage.delete(attachment.file.name)
    call_command("backup", str(tmp_path / "sauvegarde.tar.gz"))
    captured = capsys.readouterr()
    assert "0 fichiers déposés" in captured.out
    assert f"Fichier introuvable, non sauvegardé : {attachment.file.name}" in captured.err


def test_an_archive_without_a_readable_manifest_is_refused(db, tmp_path):
    path = tmp_path / "sauvegarde.tar.gz"
    write_archive(path, {"manifest.json": b"{pas du json"})
    with pytest.raises(CommandError, match="manifeste de l'archive est illisible"):
        call_command("restore", str(path))


def write_archive(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
