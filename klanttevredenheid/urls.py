from django.urls import path

from klanttevredenheid.views import medewerker, publiek

app_name = "klanttevredenheid"

urlpatterns = [
    # Staff (before the public per-label page: "medewerker" is no label)
    path("medewerker/klanttevredenheid/", medewerker.dashboard, name="dashboard"),
    path(
        "medewerker/klanttevredenheid/opvolgingen/<int:pk>/",
        medewerker.opvolging,
        name="opvolging",
    ),
    path(
        "medewerker/klanttevredenheid/behandelaars/<int:pk>/",
        medewerker.behandelaar_resultaten,
        name="behandelaar",
    ),
    path("medewerker/klanttevredenheid/campagnes/", medewerker.campagnes, name="campagnes"),
    path(
        "medewerker/klanttevredenheid/campagnes/<int:pk>/",
        medewerker.campagne_rapport,
        name="campagne",
    ),
    # Customers (a token is a slug: anything else is a plain 404 and never reaches a query)
    path("enquete/<slug:token>/", publiek.enquete, name="enquete"),
    path("enquete/<slug:token>/bedankt/", publiek.bedankt, name="bedankt"),
    path("klanttevredenheid/", publiek.kwartaalcijfers, name="publiek"),
    path("<slug:label_slug>/klanttevredenheid/", publiek.kwartaalcijfers, name="publiek-label"),
]
