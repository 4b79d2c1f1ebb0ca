"""E-mails: each is a pair of templates, `<name>_subject.txt` and `<name>_body.txt`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """The public address of a path of the site (links in e-mails)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_templated_mail(*, template: str, to: list[str], context: dict, attachments=()) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them to `to`."""
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_body.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=to)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
