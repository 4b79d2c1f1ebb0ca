"""Request and response guards Django does not provide: a Permissions-Policy header, and caps
on request bodies and uploaded files that hold before anything is read."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.template.loader import render_to_string

# Powerful browser features the site never uses: denied to the site and to any frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` on every response (unless a view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class BodyTooLarge(RequestDataTooBig):
    """A request body or one of its files is past its cap; answered 413, not 400."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} Mo"


class _BoundedStream:
    """A request body read through a counter: past `limit` bytes, reading raises."""

    def __init__(self, stream, *, request, limit: int):
        self._stream, self._request, self._limit, self._read = stream, request, limit, 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            self._request.body_refusal = (
                f"La requête dépasse la taille maximale acceptée ({_megabytes(self._limit)})."
            )
            raise BodyTooLarge(self._request.body_refusal)
        return data

    def _budget(self, size) -> int:
        """Never read more than one byte past the cap, whatever the caller asks."""
        left = self._limit + 1 - self._read
        return left if size is None or size < 0 else min(size, left)

    def read(self, size=-1):
        return self._count(self._stream.read(self._budget(size)))

    def readline(self, size=-1):
        return self._count(self._stream.readline(self._budget(size)))

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self):
        close = getattr(self._stream, "close", None)
        if close:
            close()


class RequestBodyLimitMiddleware:
    """Refuse a request body past `MAX_REQUEST_BODY_SIZE` with 413, before reading it.

    A declared Content-Length past the cap is refused at once; a body without one (chunked) is
    read through a counter, so it stops one byte past the cap. `LimitedUploadHandler` caps each
    uploaded file the same way. First in MIDDLEWARE: nothing before it touches the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return too_large(
                f"La requête dépasse la taille maximale acceptée ({_megabytes(limit)})."
            )
        request._stream = _BoundedStream(request._stream, request=request, limit=limit)
        response = self.get_response(request)
        refusal = getattr(request, "body_refusal", None)
        return too_large(refusal) if refusal else response


def too_large(message: str) -> HttpResponse:
    """The 413 page: standalone, without context processors (no session, no user yet)."""
    response = HttpResponse(render_to_string("413.html", {"message": message}), status=413)
    response.headers["Connection"] = "close"  # the unread rest of the body is not awaited
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    return response


class LimitedUploadHandler(FileUploadHandler):
    """Refuse one uploaded file past `MAX_UPLOAD_FILE_SIZE` while it streams in (then 413)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = settings.MAX_UPLOAD_FILE_SIZE
        if self.received > limit:
            self.request.body_refusal = (
                f"Le fichier « {self.file_name} » dépasse la taille maximale d'un fichier "
                f"({_megabytes(limit)})."
            )
            raise BodyTooLarge(self.request.body_refusal)
        return raw_data

    def file_complete(self, file_size):
        return None
