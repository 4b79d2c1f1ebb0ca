"""Views: committees (see urls.py)."""

urlpatterns: list = []
