from django.urls import path

from klachten.views import medewerker, publiek

app_name = "klachten"

urlpatterns = [
    # Customers
    path("klacht/", publiek.klacht_indienen, name="indienen"),
    path("klacht/ontvangen/", publiek.klacht_ontvangen, name="ontvangen"),
    path("klacht/link-kwijt/", publiek.link_kwijt, name="link-kwijt"),
    path("klacht/status/<str:token>/", publiek.klacht_status, name="status"),
    path("klacht/status/<str:token>/aanvullen/", publiek.klacht_aanvullen, name="aanvullen"),
    path(
        "klacht/status/<str:token>/heroverweging/",
        publiek.klacht_heroverweging_vragen,
        name="heroverweging-vragen",
    ),
    path("<slug:label_slug>/klacht/", publiek.klacht_indienen, name="indienen-label"),
    # Staff
    path("medewerker/", medewerker.werkvoorraad, name="werkvoorraad"),
    path("medewerker/klachten/nieuw/", medewerker.klacht_registreren, name="registreren"),
    path("medewerker/klachten/<str:dossiernummer>/", medewerker.klacht_dossier, name="dossier"),
    path(
        "medewerker/klachten/<str:dossiernummer>/<slug:actie>/",
        medewerker.klacht_actie,
        name="actie",
    ),
    path("medewerker/bijlagen/<int:pk>/", medewerker.bijlage_downloaden, name="bijlage"),
    path("medewerker/verbeterpunten/", medewerker.verbeterpunten, name="verbeterpunten"),
    path(
        "medewerker/verbeterpunten/<int:pk>/",
        medewerker.verbeterpunt_bijwerken,
        name="verbeterpunt-bijwerken",
    ),
    path("", medewerker.startpagina, name="start"),
]
