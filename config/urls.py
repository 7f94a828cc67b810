from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from klachten.views import account


def favicon(request):
    """Browsers that ask /favicon.ico by themselves get the SVG icon the pages link to
    (templates/base.html), not a 404 page."""
    return redirect(static("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/tweestaps/", account.tweestaps, name="tweestaps"),
    path("account/tweestaps/instellen/", account.tweestaps_instellen, name="tweestaps-instellen"),
    path("account/koppelen/<slug:token>/", account.koppellink, name="koppellink"),
    path("account/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("klanttevredenheid.api_urls")),
    path("api/v1/", include("klachten.api.urls")),
    path("", include("rapportage.urls")),
    path("", include("klanttevredenheid.urls")),
    path("", include("klachten.urls")),
]

# An outage (PostgreSQL or the attachment storage unreachable) raised outside a view is a 503 too;
# any other error is the plain 500 page with the request id (klachten.storingen, klachten.views.fouten).
handler500 = "klachten.storingen.server_fout"
# The other failed requests render inside the site's layout, staff or public (klachten.views.fouten).
handler400 = "klachten.views.fouten.ongeldig_verzoek"
handler403 = "klachten.views.fouten.geen_toegang"
handler404 = "klachten.views.fouten.niet_gevonden"
