from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from klachten.api.views import KlachtViewSet, niet_gevonden
from klachten.sociaal import views as sociaal

router = SimpleRouter()
router.register("klachten", KlachtViewSet, basename="klacht")

urlpatterns = [
    *router.urls,
    # The monitoring tool's webhook (issue 21): signed with the connection's secret, no API key.
    path("sociaal/<uuid:sleutel>/", sociaal.webhook, name="sociaal-webhook"),
    # Last of the /api/v1/ routes (config/urls.py includes this module after the other API
    # modules): any other address there, e.g. a malformed dossiernummer, is a JSON 404 as the
    # schema documents, not the HTML page for people.
    re_path(r"^[\s\S]*/$", niet_gevonden),  # any characters, line breaks too
]
