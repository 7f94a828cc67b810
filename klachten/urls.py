from django.urls import path

from klachten import views

app_name = "klachten"

urlpatterns = [
    path("klacht/", views.klacht_indienen, name="indienen"),
    path("klacht/ontvangen/", views.klacht_ontvangen, name="ontvangen"),
    path("klacht/status/<str:token>/", views.klacht_status, name="status"),
    path("<slug:label_slug>/klacht/", views.klacht_indienen, name="indienen-label"),
    path("medewerker/", views.medewerker_overzicht, name="medewerker-overzicht"),
    path("medewerker/klachten/nieuw/", views.klacht_registreren, name="registreren"),
    path("medewerker/klachten/<str:dossiernummer>/", views.klacht_dossier, name="dossier"),
    path(
        "medewerker/klachten/<str:dossiernummer>/ontvangst-bevestigen/",
        views.klacht_ontvangst_bevestigen,
        name="ontvangst-bevestigen",
    ),
    path("medewerker/bijlagen/<int:pk>/", views.bijlage_downloaden, name="bijlage"),
    path("", views.startpagina, name="start"),
]
