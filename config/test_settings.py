"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not pytest-django's in-memory database, so that the threads of the concurrency
    # tests share it; one per test process, so that two runs do not delete each other's.
    DATABASES["default"]["TEST"] = {"NAME": BASE_DIR / f".test-db-{os.getpid()}.sqlite3"}  # noqa: F405
# No collectstatic before the tests: WhiteNoise looks files up per request.
WHITENOISE_AUTOREFRESH = True
# Tasks run inside the request that enqueues them, so a test sees their effect at once;
# tests/core/test_tasks.py runs the database backend and its worker.
TASKS = {"default": {"BACKEND": TASK_BACKENDS["immediate"], "QUEUES": ["default"]}}  # noqa: F405
