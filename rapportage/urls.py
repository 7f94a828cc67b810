from django.urls import path

from rapportage import afm, exports, views, views_analyse, views_dossierreview, views_jaarrapport

app_name = "rapportage"

urlpatterns = [
    path("medewerker/rapportage/", views.index, name="index"),
    path("medewerker/rapportage/<int:jaar>/<int:maand>/", views.maand, name="maand"),
    path(
        "medewerker/rapportage/<int:jaar>/<int:maand>/export.<str:formaat>",
        exports.maand_exporteren,
        name="maand-export",
    ),
    path("medewerker/rapportage/jaar/<int:jaar>/", views_jaarrapport.jaar, name="jaar"),
    path(
        "medewerker/rapportage/jaar/<int:jaar>/jaarverslag.pdf",
        views_jaarrapport.jaar,
        {"pdf": True},
        name="jaar-pdf",
    ),
    path("medewerker/rapportage/analyse/", views_analyse.index, name="analyse-index"),
    path(
        "medewerker/rapportage/analyse/<int:jaar>/<int:helft>/",
        views_analyse.analyse,
        name="analyse",
    ),
    path("medewerker/rapportage/dossierreview/", views_dossierreview.lijst, name="dossierreviews"),
    path(
        "medewerker/rapportage/dossierreview/<int:pk>/",
        views_dossierreview.review,
        name="dossierreview",
    ),
    path(
        "medewerker/rapportage/afm/klachtenuitvraag-<int:jaar>.xlsx",
        afm.klachtenuitvraag_downloaden,
        name="afm",
    ),
    path("klachtenjaarverslag/", views_jaarrapport.publiek, name="publiek"),
    path(
        "<slug:label_slug>/klachtenjaarverslag/",
        views_jaarrapport.publiek,
        name="publiek-label",
    ),
    path(
        "<slug:label_slug>/klachtenjaarverslag/<int:jaar>/",
        views_jaarrapport.publiek,
        name="publiek-jaar",
    ),
    path(
        "<slug:label_slug>/klachtenjaarverslag/<int:jaar>/jaarverslag.pdf",
        views_jaarrapport.publiek,
        {"pdf": True},
        name="publiek-jaar-pdf",
    ),
]
