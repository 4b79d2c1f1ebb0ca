"""Request bodies and uploaded files are capped before they are read (413, French page)."""

import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings
from django.urls import reverse

MiB = 1024 * 1024


class GuardedInput(io.RawIOBase):
    """A wsgi.input of `size` bytes that fails the test if more than `allowed` are read."""

    def __init__(self, *, size: int, allowed: int, prefix: bytes = b""):
        self.size, self.allowed, self.position, self.prefix = size, allowed, 0, prefix

    def readable(self):
        return True

    def readinto(self, buffer):
        wanted = min(len(buffer), self.size - self.position)
        if self.position + wanted > self.allowed:
            raise AssertionError(f"the body was read past {self.allowed} bytes")
        start = self.position
        chunk = (self.prefix[start : start + wanted]).ljust(wanted, b"x")
        buffer[:wanted] = chunk
        self.position += wanted
        return wanted


def call_wsgi(path: str, *, body, headers: dict[str, str]) -> tuple[str, bytes]:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "wsgi.input": body, **headers}
    setup_testing_defaults(environ)
    environ["SERVER_NAME"] = "testserver"
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status

    content = b"".join(WSGIHandler()(environ, start_response))
    return answer["status"], content


@pytest.mark.django_db
def test_a_200_mb_multipart_post_to_the_login_page_is_refused_unread():
    body = GuardedInput(size=200 * MiB, allowed=0)
    status, content = call_wsgi(
        reverse("accounts:login"),
        body=body,
        headers={
            "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
            "CONTENT_LENGTH": str(200 * MiB),
        },
    )
    assert status.startswith("413")
    assert body.position == 0
    page = content.decode()
    assert "Envoi trop volumineux" in page and "30 Mo" in page


@pytest.mark.django_db
def test_a_chunked_200_mb_post_under_wsgi_is_not_read_at_all():
    body = GuardedInput(size=200 * MiB, allowed=0)
    status, _content = call_wsgi(
        reverse("accounts:login"),
        body=body,
        headers={
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_TRANSFER_ENCODING": "chunked",
        },
    )
    assert status.startswith("403")  # an empty body: no CSRF token, refused; nothing read
    assert body.position == 0


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_SIZE=1000)
def test_a_body_without_content_length_is_read_no_further_than_the_cap(rf):
    from quartiers.core.middleware import RequestBodyLimitMiddleware

    # Chunked: no Content-Length. Under WSGI, Django reads nothing of such a body; the
    # counter bounds it wherever a server would hand it over whole (ASGI, a proxy's buffer).
    request = rf.post("/", data=b"", content_type="application/x-www-form-urlencoded")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    body = GuardedInput(size=200 * MiB, allowed=1001, prefix=b"password=")
    request._stream = body

    def view(request):
        request.body  # noqa: B018 - a view reading everything
        raise AssertionError("the whole body was read")

    from django.core.handlers.exception import convert_exception_to_response

    response = RequestBodyLimitMiddleware(convert_exception_to_response(view))(request)
    assert response.status_code == 413
    assert body.position == 1001  # one byte past the cap, then refused
    assert "La requête dépasse la taille maximale" in response.content.decode()


@pytest.mark.django_db
@override_settings(MAX_UPLOAD_FILE_SIZE=100 * 1024)
def test_one_uploaded_file_past_its_cap_is_refused(client, loriol, project_lead):
    client.force_login(project_lead)
    upload = SimpleUploadedFile("protocole.txt", b"x" * (100 * 1024 + 1), "text/plain")
    url = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    response = client.post(url, {"document": upload})
    assert response.status_code == 413
    assert "Le fichier « protocole.txt » dépasse la taille maximale" in response.content.decode()
    small = SimpleUploadedFile("protocole.txt", b"x" * 100, "text/plain")
    assert client.post(url, {"document": small}).status_code == 302  # under the cap: accepted


@pytest.mark.django_db
def test_ordinary_posts_pass(client):
    response = client.post(reverse("accounts:login"), {"username": "a@b.fr", "password": "x"})
    assert response.status_code == 200
