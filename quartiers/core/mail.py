"""E-mails: each is a pair of templates, `<name>_subject.txt` and `<name>_body.txt`.

Every e-mail of the product is rendered in the request by `send_templated_mail` and sent by
the background queue (`deliver_mail`), so a slow or failing mail server neither slows a page
nor tells anything by its timing. Attachments travel base64-encoded, since a task's
arguments are stored as JSON.
"""

import base64
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """The public address of a path of the site (links in e-mails)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_templated_mail(*, template: str, to: list[str], context: dict, attachments=()) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt`; the queue sends them to `to`.

    `attachments`: (filename, bytes, mimetype) triples. Enqueued in the caller's transaction:
    with the database backend, a rolled-back write sends nothing.
    """
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_body.txt", context)
    deliver_mail.enqueue(
        subject=" ".join(subject.split()),
        body=body,
        to=list(to),
        attachments=[
            [filename, base64.b64encode(content).decode("ascii"), mimetype]
            for filename, content, mimetype in attachments
        ],
    )


@task()
def deliver_mail(*, subject: str, body: str, to: list[str], attachments: list, attempt: int = 1):
    """Send one rendered e-mail; a failure is logged and, while attempts remain, retried later."""
    message = EmailMessage(subject, body, to=to)
    for filename, encoded, mimetype in attachments:
        message.attach(filename, base64.b64decode(encoded), mimetype)
    try:
        message.send()
    except Exception:
        retry = attempt < settings.MAIL_MAX_ATTEMPTS and deliver_mail.get_backend().supports_defer
        logger.exception(
            "E-mail « %s » to %s failed (attempt %d of %d)%s",
            subject,
            ", ".join(to),
            attempt,
            settings.MAIL_MAX_ATTEMPTS,
            "; retried later" if retry else "; given up",
        )
        if retry:
            later = timezone.now() + timedelta(seconds=settings.MAIL_RETRY_DELAY * attempt)
            deliver_mail.using(run_after=later).enqueue(
                subject=subject, body=body, to=to, attachments=attachments, attempt=attempt + 1
            )
        raise
