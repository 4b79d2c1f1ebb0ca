"""Views: applications (see urls.py)."""

urlpatterns: list = []
