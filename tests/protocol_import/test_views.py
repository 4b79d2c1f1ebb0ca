"""Importing a protocol from the browser: upload, preview, apply."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.access.models import Event
from quartiers.contracts.models import Engagement
from quartiers.protocol_import.models import ImportJob
from tests.accounts.factories import UserFactory
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


def changed_seed(seed_bytes: bytes) -> tuple[bytes, int]:
    lines = seed_bytes.decode().split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("Poursuivre la gestion"))
    cells = lines[target].split("\t")
    cells[1] = "x"  # the État becomes an associate partner
    lines[target] = "\t".join(cells)
    return "\n".join(lines).encode(), target + 1


def test_preview_then_apply(client, loriol, project_lead, seed_bytes):
    client.force_login(project_lead)
    url = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    data, line = changed_seed(seed_bytes)
    engagement = Engagement.objects.get(contract=loriol, source_line=line)

    upload = SimpleUploadedFile(SEED.name, data, content_type="text/plain")
    preview = client.post(url, {"document": upload}, follow=True)
    assert preview.status_code == 200
    job = ImportJob.objects.get(created_by=project_lead)
    assert preview.redirect_chain == [(job.get_absolute_url(), 302)]
    assert job.status == "done" and job.step == job.step_count
    page = preview.content.decode()
    assert f"engagement {engagement.number}</th>" in page
    assert "rôle ETAT</td>" in page
    assert "<td>chef de file</td>" in page and "<td>partenaire associé</td>" in page
    assert "Appliquer l" in page  # the form that applies the staged document
    role = engagement.roles.get(partner__code="ETAT")
    assert role.role == "lead"  # nothing written by the preview

    applied = client.post(job.get_absolute_url())
    assert applied.status_code == 302
    role.refresh_from_db()
    assert role.role == "associate"
    assert Event.objects.filter(verb="import_applied", actor=project_lead).exists()
    job.refresh_from_db()
    assert job.status == "applied"
    assert not default_storage.exists(f"imports/{job.token}")
    again = client.post(job.get_absolute_url(), follow=True)  # a double click applies once
    assert "Cet import est déjà appliqué." in again.content.decode()
    assert Event.objects.filter(verb="import_applied", actor=project_lead).count() == 1


def test_a_bad_file_gets_a_french_message_and_writes_nothing(client, loriol, project_lead):
    client.force_login(project_lead)
    url = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    upload = SimpleUploadedFile("protocole.rtf", b"{\\rtf1 ...}", content_type="application/rtf")
    response = client.post(url, {"document": upload})
    assert response.status_code == 200
    assert "Format non accepté" in response.content.decode()
    binary = SimpleUploadedFile("protocole.txt", b"\x00\x01\x02", content_type="text/plain")
    response = client.post(url, {"document": binary}, follow=True)
    page = response.content.decode()
    assert "octets nuls" in page and "Le document est refusé" in page
    job = ImportJob.objects.get(created_by=project_lead)
    assert job.status == "failed"
    assert not default_storage.exists(f"imports/{job.token}")  # a refused document is not kept
    assert not Event.objects.filter(verb="import_applied", actor=project_lead).exists()


def test_a_failed_job_cannot_be_applied(client, loriol, project_lead):
    client.force_login(project_lead)
    url = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    binary = SimpleUploadedFile("protocole.txt", b"\x00\x01\x02", content_type="text/plain")
    client.post(url, {"document": binary})
    job = ImportJob.objects.get(created_by=project_lead)
    response = client.post(job.get_absolute_url(), follow=True)
    assert "pas abouti : rien à appliquer" in response.content.decode()


def test_new_contract_page_refuses_a_contract_that_exists(client, loriol, seed_bytes):
    client.force_login(UserFactory(admin=True))
    upload = SimpleUploadedFile(SEED.name, seed_bytes, content_type="text/plain")
    response = client.post(reverse("protocol_import:import-new"), {"document": upload}, follow=True)
    assert response.status_code == 200
    assert "existe déjà : importez depuis sa page" in response.content.decode()
    assert "Appliquer l" not in response.content.decode()


def test_new_contract_preview_then_apply(client, db, seed_bytes):
    client.force_login(UserFactory(admin=True))
    url = reverse("protocol_import:import-new")
    upload = SimpleUploadedFile(SEED.name, seed_bytes, content_type="text/plain")
    page = client.post(url, {"document": upload}, follow=True).content.decode()
    assert "Contrat de ville « Cœur de Loriol »" in page
    assert Engagement.objects.count() == 0
    response = client.post(ImportJob.objects.get().get_absolute_url())
    assert response.status_code == 302
    assert Engagement.objects.count() == 17


def test_a_pdf_upload_is_accepted(client, loriol, project_lead):
    from tests.protocol_import import builders

    client.force_login(project_lead)
    url = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    upload = SimpleUploadedFile(
        "protocole.pdf", builders.to_pdf(SEED), content_type="application/pdf"
    )
    response = client.post(url, {"document": upload}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Format non accepté" not in page
    assert "Aucun changement : ce document est déjà importé tel quel." in page


def test_a_scanned_pdf_gets_a_french_message_and_writes_nothing(client, loriol, project_lead):
    from tests.protocol_import import builders

    client.force_login(project_lead)
    url = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    upload = SimpleUploadedFile("scan.pdf", builders.scanned_pdf(), content_type="application/pdf")
    response = client.post(url, {"document": upload}, follow=True)
    page = response.content.decode()
    assert "pas de couche texte" in page
    assert "Appliquer l" not in page  # nothing staged
    assert not Event.objects.filter(verb="import_applied", actor=project_lead).exists()
