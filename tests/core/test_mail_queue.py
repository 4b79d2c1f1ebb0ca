"""E-mails are rendered in the request and sent by the background queue."""

import logging

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from quartiers.core.mail import send_templated_mail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PDF = b"%PDF-1.7\n\x00\xff\xfe binary \x80\x81 content\n%%EOF"


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def send_invitation_like_mail(**kwargs):
    send_templated_mail(
        template="accounts/emails/invitation",
        to=["camille@example.org"],
        context={"user": UserFactory.build(), "by": None, "link": "https://x/", "existing": False},
        **kwargs,
    )


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection
@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_queue_sends_once_the_worker_runs_with_attachments_intact():
    send_invitation_like_mail(attachments=[("decision.pdf", PDF, "application/pdf")])
    assert mail.outbox == []  # the request only enqueued it
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "quartiers.core.mail.deliver_mail"
    assert queued.status == "READY"
    run_worker()
    assert queued.__class__.objects.get().status == "SUCCESSFUL"
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.attachments == [("decision.pdf", PDF, "application/pdf")]


def test_the_immediate_backend_of_the_tests_sends_at_once_with_attachments_intact():
    send_invitation_like_mail(attachments=[("decision.pdf", PDF, "application/pdf")])
    [message] = mail.outbox
    assert message.attachments == [("decision.pdf", PDF, "application/pdf")]


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS=DATABASE_TASKS,
    EMAIL_BACKEND="tests.core.test_mail_queue.FailingBackend",
    MAIL_MAX_ATTEMPTS=2,
)
def test_a_failed_mail_is_logged_and_tried_again_later_then_given_up(caplog):
    send_invitation_like_mail()
    with caplog.at_level(logging.ERROR, logger="quartiers.core.mail"):
        run_worker()  # runs the first attempt; the retry waits for its run_after
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > first.finished_at
    assert "failed (attempt 1 of 2); retried later" in caplog.text
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=first.finished_at)
    with caplog.at_level(logging.ERROR, logger="quartiers.core.mail"):
        run_worker()
    assert "failed (attempt 2 of 2); given up" in caplog.text
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    assert not DBTaskResult.objects.filter(status="READY").exists()


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_password_reset_costs_the_request_the_same_for_a_known_and_an_unknown_address(client):
    UserFactory(email="camille@example.org")
    for email in ("camille@example.org", "personne@example.org"):
        response = client.post("/mot-de-passe/oublie/", {"email": email})
        assert response.status_code == 302
    # One task each, with the address only: nothing looked up, rendered or sent in the request.
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [(task.task_path, task.args_kwargs["kwargs"]) for task in queued] == [
        ("quartiers.accounts.services.send_password_reset", {"email": "camille@example.org"}),
        ("quartiers.accounts.services.send_password_reset", {"email": "personne@example.org"}),
    ]
    run_worker()  # both lookups, then the one e-mail they queued
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert "http://127.0.0.1:8000/mot-de-passe/choisir/" in message.body
