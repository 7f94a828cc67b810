from django.urls import path

from klachten.views import medewerker, printbak, privacy, publiek

app_name = "klachten"

# Tokens and dossiernummers are slugs: anything else in their place (a NUL byte, a quote) is a
# plain 404 from the resolver and never reaches a query.
urlpatterns = [
    # Customers
    path("klacht/", publiek.klacht_indienen, name="indienen"),
    path("klacht/ontvangen/", publiek.klacht_ontvangen, name="ontvangen"),
    path("klacht/link-kwijt/", publiek.link_kwijt, name="link-kwijt"),
    path("klacht/status/<slug:token>/", publiek.klacht_status, name="status"),
    path("klacht/status/<slug:token>/aanvullen/", publiek.klacht_aanvullen, name="aanvullen"),
    path(
        "klacht/status/<slug:token>/bijlagen/<int:pk>/",
        publiek.klant_bijlage_downloaden,
        name="klant-bijlage",
    ),
    path(
        "klacht/status/<slug:token>/heroverweging/",
        publiek.klacht_heroverweging_vragen,
        name="heroverweging-vragen",
    ),
    path("<slug:label_slug>/klacht/", publiek.klacht_indienen, name="indienen-label"),
    path("klachtenprocedure/", publiek.klachtenprocedure, name="procedure"),
    path(
        "<slug:label_slug>/klachtenprocedure/",
        publiek.klachtenprocedure,
        name="procedure-label",
    ),
    # Staff
    path("medewerker/", medewerker.werkvoorraad, name="werkvoorraad"),
    path("medewerker/klachten/nieuw/", medewerker.klacht_registreren, name="registreren"),
    path(
        "medewerker/klachten/classificeren/",
        medewerker.klachten_classificeren,
        name="classificeren",
    ),
    path("medewerker/klachten/<slug:dossiernummer>/", medewerker.klacht_dossier, name="dossier"),
    path(
        "medewerker/klachten/<slug:dossiernummer>/<slug:actie>/",
        medewerker.klacht_actie,
        name="actie",
    ),
    path(
        "medewerker/klachten/<slug:dossiernummer>/berichten/<int:pk>/opnieuw-versturen/",
        medewerker.bericht_opnieuw_versturen,
        name="bericht-opnieuw-versturen",
    ),
    path("medewerker/bijlagen/<int:pk>/", medewerker.bijlage_downloaden, name="bijlage"),
    path(
        "medewerker/bijlagen/<int:pk>/bekijken/",
        medewerker.bijlage_bekijken,
        name="bijlage-bekijken",
    ),
    path("medewerker/emails/<int:pk>/origineel/", medewerker.email_downloaden, name="email"),
    path("medewerker/te-printen/", printbak.te_printen, name="te-printen"),
    path("medewerker/te-printen/brieven/<int:pk>.pdf", printbak.brief_pdf, name="brief-pdf"),
    path("medewerker/te-printen/<slug:label_slug>.pdf", printbak.label_pdf, name="te-printen-pdf"),
    path("medewerker/te-printen/<slug:label_slug>/geprint/", printbak.geprint, name="geprint"),
    path("medewerker/verbeterpunten/", medewerker.verbeterpunten, name="verbeterpunten"),
    path(
        "medewerker/verbeterpunten/<int:pk>/",
        medewerker.verbeterpunt_bijwerken,
        name="verbeterpunt-bijwerken",
    ),
    path("medewerker/privacy/", privacy.avg_verzoeken, name="privacy"),
    path("", medewerker.startpagina, name="start"),
]
