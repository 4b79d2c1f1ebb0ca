"""Private downloads: streamed by Django, or handed to nginx with X-Accel-Redirect."""

import pytest
from django.urls import reverse

from tests.access.factories import RoleAssignmentFactory
from tests.programming.factories import PDF_BYTES, ApplicationFactory, AttachmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def download(client):
    """The carrier, signed in, and the URL of their application's RIB."""
    carrier = RoleAssignmentFactory(carrier=True)
    application = ApplicationFactory(call__contract=carrier.contract, carrier=carrier.organisation)
    attachment = AttachmentFactory(application=application, name="RIB association.pdf")
    client.force_login(carrier.user)
    return attachment, reverse(
        "programming:attachment-download", args=[application.uuid, attachment.pk]
    )


def test_without_prefix_django_streams_the_file(client, download):
    _, url = download
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="RIB association.pdf"'
    assert "X-Accel-Redirect" not in response


def test_with_a_prefix_nginx_sends_the_file(client, download, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/media-privees/"
    attachment, url = download
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/media-privees/" + attachment.file.name
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="RIB association.pdf"'


def test_the_prefix_does_not_open_the_door(client, download, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/media-privees/"
    _, url = download
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert "X-Accel-Redirect" not in response
