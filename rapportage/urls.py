from django.urls import path

from rapportage import afm, exports
from rapportage.views import analyse, dossierreview, jaarrapport, maand, product, werkgroep

app_name = "rapportage"

urlpatterns = [
    path("medewerker/rapportage/", maand.index, name="index"),
    path("medewerker/rapportage/<int:jaar>/<int:maand>/", maand.maand, name="maand"),
    path(
        "medewerker/rapportage/<int:jaar>/<int:maand>/export.<str:formaat>",
        exports.maand_exporteren,
        name="maand-export",
    ),
    path("medewerker/rapportage/jaar/<int:jaar>/", jaarrapport.jaar, name="jaar"),
    path(
        "medewerker/rapportage/jaar/<int:jaar>/jaarverslag.pdf",
        jaarrapport.jaar,
        {"pdf": True},
        name="jaar-pdf",
    ),
    path(
        "medewerker/rapportage/jaar/<int:jaar>/voorbeeld/",
        jaarrapport.voorbeeld,
        name="jaar-voorbeeld",
    ),
    path(
        "medewerker/rapportage/jaar/<int:jaar>/publiceren/",
        jaarrapport.publiceren,
        name="jaar-publiceren",
    ),
    path("medewerker/rapportage/analyse/", analyse.index, name="analyse-index"),
    path(
        "medewerker/rapportage/analyse/<int:jaar>/<int:helft>/",
        analyse.analyse,
        name="analyse",
    ),
    path("medewerker/rapportage/werkgroep/", werkgroep.lijst, name="werkgroep"),
    path("medewerker/rapportage/werkgroep/nieuw/", werkgroep.bewerken, name="werkgroep-nieuw"),
    path(
        "medewerker/rapportage/werkgroep/<int:pk>/", werkgroep.bewerken, name="werkgroep-bewerken"
    ),
    path("medewerker/rapportage/gedeeld/", werkgroep.gedeeld, name="gedeeld"),
    path("medewerker/rapportage/delen/", werkgroep.delen, name="delen"),
    path("medewerker/rapportage/product/", product.index, name="productreviews"),
    path(
        "medewerker/rapportage/product/afgewezen-claims/",
        product.afgewezen_claims,
        name="afgewezen-claims",
    ),
    path(
        "medewerker/rapportage/product/<slug:code>/<int:jaar>/<int:helft>/",
        product.review,
        name="productreview",
    ),
    path(
        "medewerker/rapportage/product/<slug:code>/<int:jaar>/<int:helft>/pdf/",
        product.review_pdf,
        name="productreview-pdf",
    ),
    path("medewerker/rapportage/dossierreview/", dossierreview.lijst, name="dossierreviews"),
    path(
        "medewerker/rapportage/dossierreview/<int:pk>/",
        dossierreview.review,
        name="dossierreview",
    ),
    path(
        "medewerker/rapportage/afm/klachtenuitvraag-<int:jaar>.xlsx",
        afm.klachtenuitvraag_downloaden,
        name="afm",
    ),
    path("klachtenjaarverslag/", jaarrapport.publiek, name="publiek"),
    path(
        "<slug:label_slug>/klachtenjaarverslag/",
        jaarrapport.publiek,
        name="publiek-label",
    ),
    path(
        "<slug:label_slug>/klachtenjaarverslag/<int:jaar>/",
        jaarrapport.publiek,
        name="publiek-jaar",
    ),
    path(
        "<slug:label_slug>/klachtenjaarverslag/<int:jaar>/jaarverslag.pdf",
        jaarrapport.publiek,
        {"pdf": True},
        name="publiek-jaar-pdf",
    ),
]
