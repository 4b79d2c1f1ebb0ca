"""Views: calls (see urls.py)."""

urlpatterns: list = []
