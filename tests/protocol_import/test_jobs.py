"""Browser imports run as background jobs: progress, owner-only pages, expiry and purge."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quartiers.access.models import Event
from quartiers.protocol_import import services
from quartiers.protocol_import.models import ImportJob
from tests.accounts.factories import UserFactory
from tests.conftest import SEED
from tests.protocol_import.test_views import changed_seed

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def upload(client, contract, data: bytes, name: str = SEED.name):
    url = reverse("protocol_import:import", kwargs={"slug": contract.slug})
    return client.post(url, {"document": SimpleUploadedFile(name, data, "text/plain")})


def pending_job(contract, user, seed_bytes) -> ImportJob:
    """A job whose analysis waits in the queue (the database backend, no worker yet)."""
    with override_settings(TASKS=DATABASE_TASKS):
        return services.start_import_job(
            name=SEED.name, data=seed_bytes, contract=contract, by=user
        )


def stored(job) -> bool:
    return default_storage.exists(f"{services.STAGING_DIR}/{job.token}")


# --- the analysis, step by step --------------------------------------------------------


def test_preview_reports_every_step_in_order(seed_bytes):
    steps = []
    services.preview_import(name=SEED.name, data=seed_bytes, progress=steps.append)
    assert steps == list(range(1, services.STEP_COUNT + 1))


def test_the_upload_enqueues_the_analysis_and_the_queue_runs_it(
    client, loriol, project_lead, seed_bytes
):
    client.force_login(project_lead)
    job = pending_job(loriol, project_lead, seed_bytes)
    assert job.status == "pending" and job.step == 0 and stored(job)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "quartiers.protocol_import.services.analyse_import_job"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Analyse en attente" in page
    assert '<meta http-equiv="refresh" content="2">' in page  # without JavaScript
    assert "Actualiser la page" in page and "htmx.min.js" in page

    queued.task.call(**queued.args_kwargs["kwargs"])  # what the worker runs
    job.refresh_from_db()
    assert job.status == "done" and job.step == job.step_count == services.STEP_COUNT
    assert job.result["up_to_date"] is True and job.result["engagements"] == 17
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Aucun changement : ce document est déjà importé tel quel." in page
    assert "http-equiv" not in page


def test_htmx_polls_the_progress_then_reloads_the_page_once_done(
    client, loriol, project_lead, seed_bytes
):
    client.force_login(project_lead)
    job = pending_job(loriol, project_lead, seed_bytes)
    ImportJob.objects.filter(pk=job.pk).update(status="running", step=5)
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    content = partial.content.decode()
    assert "<html" not in content
    assert "étape 5 sur 14" in content and 'hx-trigger="every 2s"' in content
    ImportJob.objects.filter(pk=job.pk).update(status="done", result={})
    done = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"


def test_an_unexpected_failure_of_the_analysis_is_logged_and_explained(
    client, loriol, project_lead, seed_bytes, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "extract", broken)
    client.force_login(project_lead)
    with caplog.at_level(logging.ERROR, logger="quartiers.protocol_import.services"):
        response = upload(client, loriol, seed_bytes)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error == services.ANALYSIS_FAILED
    assert "failed" in caplog.text and not stored(job)
    assert "échoué de façon inattendue" in client.get(response.url).content.decode()


# --- who sees a job ----------------------------------------------------------------------


def test_only_the_owner_and_a_platform_admin_see_a_job(client, loriol, project_lead, seed_bytes):
    from quartiers.access import services as access
    from quartiers.access.enums import ContractRole

    job = pending_job(loriol, project_lead, seed_bytes)
    colleague = UserFactory()  # another chef de projet of the same contract
    access.grant_role(contract=loriol, user=colleague, role=ContractRole.PROJECT_LEAD, by=None)
    client.force_login(colleague)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(job.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(admin=True))
    assert client.get(job.get_absolute_url()).status_code == 200
    client.force_login(project_lead)
    assert client.get(job.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(job.get_absolute_url()).status_code == 302  # to the sign-in page


def test_an_owner_who_lost_the_role_cannot_apply(client, loriol, project_lead, seed_bytes):
    from quartiers.access import services as access

    client.force_login(project_lead)
    upload(client, loriol, seed_bytes)
    job = ImportJob.objects.get()
    for assignment in project_lead.role_assignments.all():
        access.revoke_role(assignment=assignment, by=None)
    assert client.post(job.get_absolute_url()).status_code == 403


# --- expiry and purge --------------------------------------------------------------------


def test_an_expired_preview_cannot_be_applied(client, loriol, project_lead, seed_bytes):
    client.force_login(project_lead)
    upload(client, loriol, changed_seed(seed_bytes)[0])
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Cet aperçu a expiré" in page and "Appliquer l" not in page
    response = client.post(job.get_absolute_url(), follow=True)
    assert "Cet aperçu a expiré : rien n" in response.content.decode()
    assert not Event.objects.filter(verb="import_applied", actor=project_lead).exists()


@override_settings(IMPORT_PREVIEW_TTL=3600)
def test_purge_deletes_expired_jobs_their_documents_and_orphans(loriol, project_lead, seed_bytes):
    live = pending_job(loriol, project_lead, seed_bytes)
    expired = pending_job(loriol, project_lead, seed_bytes)
    ImportJob.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    orphan = default_storage.save(f"{services.STAGING_DIR}/{'a' * 32}.txt", ContentFile(b"x"))
    young_orphan = default_storage.save(f"{services.STAGING_DIR}/{'b' * 32}.txt", ContentFile(b"x"))
    # InMemoryStorage (the tests') keeps each file's times on its node.
    default_storage._resolve(orphan).modified_time = timezone.now() - timedelta(hours=2)

    out = StringIO()
    call_command("purge_imports", stdout=out)
    assert out.getvalue().strip() == "2 document(s) d'import supprimé(s)."
    assert list(ImportJob.objects.all()) == [live]
    assert stored(live) and not stored(expired)
    assert not default_storage.exists(orphan) and default_storage.exists(young_orphan)


def test_a_new_import_purges_the_expired_ones(loriol, project_lead, seed_bytes):
    expired = pending_job(loriol, project_lead, seed_bytes)
    ImportJob.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    fresh = pending_job(loriol, project_lead, seed_bytes)
    assert list(ImportJob.objects.all()) == [fresh]
    assert not stored(expired)


def test_the_preview_lifetime_comes_from_the_setting(loriol, project_lead, seed_bytes):
    with override_settings(IMPORT_PREVIEW_TTL=60):
        job = pending_job(loriol, project_lead, seed_bytes)
    assert job.expires_at - job.created_at < timedelta(seconds=61)
    assert job.expires_at - job.created_at > timedelta(seconds=59)


# --- the production path: the database queue and its worker ------------------------------


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection
@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_worker_analyses_an_uploaded_document(client, loriol, project_lead):
    client.force_login(project_lead)
    response = upload(client, loriol, changed_seed(SEED.read_bytes())[0])
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url() and job.status == "pending"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and job.result["changes"]
    assert client.post(job.get_absolute_url()).status_code == 302
    assert Event.objects.filter(verb="import_applied", actor=project_lead).exists()


@pytest.mark.django_db(transaction=True)  # the threads see the committed job
def test_two_applies_at_once_write_the_import_once(loriol, project_lead):
    from tests.utils import race, refusals

    job = services.start_import_job(
        name=SEED.name, data=changed_seed(SEED.read_bytes())[0], contract=loriol, by=project_lead
    )
    assert ImportJob.objects.get(pk=job.pk).status == "done"
    outcomes = race(*[lambda: services.apply_import_job(job=job, by=project_lead)] * 2)
    assert refusals(outcomes) == ["Cet import est déjà appliqué."]
    assert Event.objects.filter(verb="import_applied", actor=project_lead).count() == 1


def test_an_archived_contract_refuses_the_upload_before_any_analysis(
    client, loriol, project_lead, seed_bytes
):
    from quartiers.access import services as access

    access.archive_contract(contract=loriol, by=project_lead)
    client.force_login(project_lead)
    response = upload(client, loriol, changed_seed(seed_bytes)[0])
    assert response.status_code == 200
    assert "est archivé : il est en lecture seule" in response.content.decode()
    assert not ImportJob.objects.exists() and not DBTaskResult.objects.exists()
