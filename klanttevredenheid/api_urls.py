"""The klanttevredenheid part of the REST API (included under /api/v1/ in config/urls.py)."""

from django.urls import path

from klanttevredenheid.api import ContactmomentAanmakenView

urlpatterns = [
    path("contactmomenten/", ContactmomentAanmakenView.as_view(), name="api-contactmomenten"),
]
