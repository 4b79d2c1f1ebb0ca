"""This checkout's own settings file, `local.env`: what `make demo` needs to run with DEBUG off
on http://127.0.0.1:8000, with a secret generated once and kept out of git (.gitignore).

config/settings.py reads it only when the environment gives no SECRET_KEY (nor SECRET_KEY_FILE):
a deployment always sets its own secret, so the file never weakens a deployment's settings.
When it is read, each variable of the environment still wins over the file's.

`python -m config.local_env [PATH]` writes the file if it does not exist yet.
"""

import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "local.env"

# Plain HTTP on the loopback: no HTTPS redirect, no secure-only cookies, no HSTS; static files
# collected with hashed names and served by WhiteNoise, as deployed, without the slow gzip/brotli.
LOCAL_VALUES = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "http://127.0.0.1:8000",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "SECURE_HSTS": "false",
    "STATIC_PRECOMPRESS": "false",
}

HEADER = """\
# Settings of this checkout only, written once by `make demo` (config/local_env.py).
# Kept out of git. Ignored whenever the environment sets SECRET_KEY or SECRET_KEY_FILE
# (a deployment); otherwise a variable set in the environment wins over its line here.
"""


def path_from(environ) -> Path | None:
    """LOCAL_ENV names the file (empty: none); by default local.env at the project root."""
    raw = environ.get("LOCAL_ENV")
    if raw is None:
        return DEFAULT_PATH
    return Path(raw) if raw.strip() else None


def create(path: Path) -> bool:
    """Write the file with a new random secret, unless it exists; True if it was written."""
    lines = [f"SECRET_KEY={secrets.token_urlsafe(50)}"]
    lines += [f"{name}={value}" for name, value in LOCAL_VALUES.items()]
    try:
        # O_EXCL: two runs at once never overwrite each other's secret; readable by its owner.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n".join(lines) + "\n")
    return True


def read(path: Path) -> dict[str, str]:
    """NAME=value lines; blank lines and `#` comments are skipped, no quoting, no expansion."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value, not {line!r}.")
        values[name] = value.strip()
    return values


def values(environ) -> tuple[dict[str, str], Path | None]:
    """The file's settings for this environment, and the file (None when it is not read)."""
    path = path_from(environ)
    if environ.get("SECRET_KEY") or environ.get("SECRET_KEY_FILE") or not path:
        return {}, None
    if not path.is_file():
        return {}, None
    return read(path), path


def main(argv: list[str]) -> None:
    path = Path(argv[1]) if len(argv) > 1 else path_from(os.environ) or DEFAULT_PATH
    if create(path):
        print(f"{path} : réglages locaux créés (clé secrète nouvelle, hors de git).")


if __name__ == "__main__":
    main(sys.argv)
