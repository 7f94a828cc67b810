"""Hostile input in the REST API (issue 8, Vertrouwen): every free-text field of the complaint,
the customer's message and the contact moment, the lookups by slug and the choices, the e-mail
address, the list's query parameters, the dossiernummer in the address, broken and oversized
bodies.

The rules: never a 500; a value is stored exactly (as the serializer trims it) and returned the
same, or refused with 400 and an error on its field; what the API stored is shown escaped on the
staff pages. JSON can carry what a form POST cannot: a lone surrogate (\\ud800) as a string.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from rest_framework import serializers

from klachten import rollen
from klachten.api.serializers import KlachtInvoerSerializer, KlantberichtSerializer
from klachten.models import Gebeurtenis, GebeurtenisSoort, Klacht
from klachten.workflow import Status
from klanttevredenheid.api import ContactmomentInvoerSerializer
from klanttevredenheid.models import Contactmoment
from tests.api import api_sleutel_kop
from tests.beveiliging.vijandig import VIJANDIG, geteld, veilig_getoond, weigeren
from tests.factories import KlachtFactory, MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

KLACHTEN = "/api/v1/klachten/"
CONTACTMOMENTEN = "/api/v1/contactmomenten/"


class Ruw(str):
    """JSON string content written as it is: escapes that json.dumps never makes of valid text,
    such as a lone surrogate (\\ud800)."""


NUL = "Klacht\x00met NUL"
SURROGAAT = Ruw("Los\\ud800surrogaat")


def als_json(data: dict) -> str:
    delen = (
        f"{json.dumps(k)}: " + (f'"{v}"' if isinstance(v, Ruw) else json.dumps(v))
        for k, v in data.items()
    )
    return "{" + ", ".join(delen) + "}"


def vrije_tekstvelden(serializer_klasse) -> dict[str, int]:
    """The serializer's free-text fields and their maximum length (a TextField's is a
    validator). Slugs, choices and e-mail addresses are tested apart."""
    velden = {}
    for naam, veld in serializer_klasse().fields.items():
        if type(veld) is not serializers.CharField or veld.read_only:
            continue
        velden[naam] = veld.max_length or next(
            v.limit_value for v in veld.validators if isinstance(v, MaxLengthValidator)
        )
    return velden


KLACHTVELDEN = vrije_tekstvelden(KlachtInvoerSerializer)
KLANTBERICHTVELDEN = vrije_tekstvelden(KlantberichtSerializer)
CONTACTMOMENTVELDEN = vrije_tekstvelden(ContactmomentInvoerSerializer)


def geweigerd(limiet: int) -> dict[str, str]:
    """What a free-text field refuses: NUL, over-long, 1 MB, and a lone surrogate."""
    return {**weigeren(limiet), "surrogaat": SURROGAAT}


@pytest.fixture
def koppeling(db):
    return MedewerkerFactory(username="crm-koppeling", rollen=[rollen.SYSTEEMKOPPELING])


@pytest.fixture
def api(client, koppeling):
    """POST (a dict, see als_json, or a body as is) and GET with the koppeling's token."""
    kop = api_sleutel_kop(koppeling)

    class Api:
        def post(self, url, data: dict | str):
            body = als_json(data) if isinstance(data, dict) else data
            response = client.post(url, body, content_type="application/json", **kop)
            assert response.status_code != 500, response.content[:500]
            return response

        def get(self, url):
            response = client.get(url, **kop)
            assert response.status_code != 500, response.content[:500]
            return response

    return Api()


@pytest.fixture
def klacht_gegevens(label, categorie):
    return {
        "kanaal": "e-mail",
        "klant_naam": "Karel",
        "klant_email": "karel@example.nl",
        "categorie": categorie.code,
        "omschrijving": "Klacht.",
    }


@pytest.fixture
def contact_gegevens(label):
    return {"soort": "vraag_klantenservice", "moment": "2024-01-01T10:00:00+01:00"}


# Registering a complaint --------------------------------------------------------------------------


@pytest.mark.parametrize("waarde_naam", list(VIJANDIG))
def test_api_bewaart_vijandige_tekst_exact_en_de_paginas_tonen_hem_escaped(
    api, client, klacht_gegevens, behandelaar, waarde_naam
):
    waarde = VIJANDIG[waarde_naam]

    response = api.post(KLACHTEN, {**klacht_gegevens, **dict.fromkeys(KLACHTVELDEN, waarde)})
    geteld("api", len(KLACHTVELDEN))

    assert response.status_code == 201, response.json()
    klacht = Klacht.objects.get()
    verwacht = dict.fromkeys(KLACHTVELDEN, waarde.strip())
    assert {veld: getattr(klacht, veld) for veld in KLACHTVELDEN} == verwacht
    assert {veld: response.json()[veld] for veld in KLACHTVELDEN} == verwacht
    detail = api.get(f"{KLACHTEN}{klacht.dossiernummer}/").json()
    assert {veld: detail[veld] for veld in KLACHTVELDEN} == verwacht
    client.force_login(behandelaar)
    for url in (
        reverse("klachten:dossier", args=[klacht.dossiernummer]),
        reverse("klachten:werkvoorraad"),
    ):
        veilig_getoond(client.get(url).content.decode(), waarde)


@pytest.mark.parametrize("waarde", [NUL, SURROGAAT], ids=["nul", "surrogaat"])
def test_api_weigert_nul_en_losse_surrogaat_in_elk_veld_met_een_fout_per_veld(
    api, klacht_gegevens, waarde
):
    response = api.post(KLACHTEN, {**klacht_gegevens, **dict.fromkeys(KLACHTVELDEN, waarde)})
    geteld("api", len(KLACHTVELDEN))

    assert response.status_code == 400
    assert set(response.json()) == set(KLACHTVELDEN)
    assert not Klacht.objects.exists()


@pytest.mark.parametrize("veld", list(KLACHTVELDEN))
def test_api_weigert_nul_surrogaat_en_te_lange_tekst_met_een_fout_bij_dat_veld(
    api, klacht_gegevens, veld
):
    for soort, waarde in geweigerd(KLACHTVELDEN[veld]).items():
        response = api.post(KLACHTEN, {**klacht_gegevens, veld: waarde})
        geteld("api", 1)

        assert response.status_code == 400, soort
        assert set(response.json()) == {veld}, (soort, response.json())
    assert not Klacht.objects.exists()


VIJANDIGE_KEUZES = {
    **VIJANDIG,
    "nul": "declaratie\x00",
    "surrogaat": SURROGAAT,
    "lang": "x" * 5000,
    "geen_tekst": ["declaratie"],
}


@pytest.mark.parametrize("veld", ["label", "afdeling", "categorie", "kanaal", "urgentie"])
def test_api_weigert_vijandige_slugs_en_keuzes_met_een_fout_bij_dat_veld(
    api, klacht_gegevens, veld
):
    for naam, waarde in VIJANDIGE_KEUZES.items():
        response = api.post(KLACHTEN, {**klacht_gegevens, veld: waarde})
        geteld("api", 1)

        assert response.status_code == 400, naam
        assert set(response.json()) == {veld}, (naam, response.json())
    assert not Klacht.objects.exists()


@pytest.mark.parametrize(
    "adres",
    [
        "karel@example.nl\r\nBcc: x@evil.example",
        "karel@example.nl\nBcc: x@evil.example",
        "karel@example.nl>\r\nBcc: <x@evil.example",
        "<script>alert(1)</script>@example.nl",
        "karel@example.nl\x00",
        Ruw("karel@exa\\ud800mple.nl"),
        "x" * 250 + "@example.nl",
    ],
    ids=["crlf", "lf", "haken", "script", "nul", "surrogaat", "lang"],
)
def test_api_weigert_een_vijandig_emailadres(api, klacht_gegevens, adres):
    response = api.post(KLACHTEN, {**klacht_gegevens, "klant_email": adres})
    geteld("api", 1)

    assert response.status_code == 400
    assert set(response.json()) == {"klant_email"}


@pytest.mark.parametrize(
    "body",
    [
        "{",
        '{"kanaal": ',
        "[]",
        '"tekst"',
        "null",
        '{"klant_naam": {"genest": ["<script>"]}}',
        '{"omschrijving": 1e999}',
        '{"omschrijving": NaN}',
        '{"klant_naam": "a\x00b"}',  # a raw control character in a JSON string
        "\ufeff{}",
    ],
)
def test_api_beantwoordt_kapotte_json_met_400(api, body, label):
    response = api.post(KLACHTEN, body)
    geteld("api", 1)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_api_weigert_een_te_grote_body_zonder_500(api, klacht_gegevens):
    """3 MB: more than Django reads into memory (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB)."""
    response = api.post(KLACHTEN, {**klacht_gegevens, "omschrijving": "x" * 3_000_000})
    geteld("api", 1)

    assert response.status_code in (400, 413)
    assert not Klacht.objects.exists()


# The customer's message on a dossier ----------------------------------------------------------


@pytest.fixture
def klacht(koppeling, label, categorie, behandelaar):
    """Registered by the koppeling (it sees what it registered), in investigation."""
    return klacht_in_status(
        Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, ingediend_door=koppeling
    )


def klantberichten_url(klacht: Klacht) -> str:
    return f"{KLACHTEN}{klacht.dossiernummer}/klantberichten/"


@pytest.mark.parametrize("waarde_naam", list(VIJANDIG))
def test_api_klantbericht_met_vijandige_tekst_staat_exact_in_de_tijdlijn_en_escaped_in_het_dossier(
    api, client, klacht, behandelaar, waarde_naam
):
    waarde = VIJANDIG[waarde_naam]

    response = api.post(klantberichten_url(klacht), {"tekst": waarde})
    geteld("api", len(KLANTBERICHTVELDEN))

    assert response.status_code == 201, response.json()
    assert response.json()["tekst"] == waarde.strip()
    opgeslagen = Gebeurtenis.objects.filter(soort=GebeurtenisSoort.KLANTBERICHT).latest("pk")
    assert opgeslagen.tekst == waarde.strip()
    tijdlijn = api.get(f"{KLACHTEN}{klacht.dossiernummer}/tijdlijn/").json()
    assert tijdlijn[0]["tekst"] == waarde.strip()
    client.force_login(behandelaar)
    dossier = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    veilig_getoond(dossier.content.decode(), waarde)


def test_api_klantbericht_weigert_nul_surrogaat_en_te_lange_tekst(api, klacht):
    voor = Gebeurtenis.objects.count()
    for soort, waarde in geweigerd(KLANTBERICHTVELDEN["tekst"]).items():
        response = api.post(klantberichten_url(klacht), {"tekst": waarde})
        geteld("api", 1)

        assert response.status_code == 400, soort
        assert set(response.json()) == {"tekst"}, soort
    assert Gebeurtenis.objects.count() == voor


# Contact moments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("waarde_naam", list(VIJANDIG))
def test_api_contactmoment_bewaart_vijandige_tekst_exact(api, contact_gegevens, waarde_naam):
    waarde = VIJANDIG[waarde_naam]

    response = api.post(
        CONTACTMOMENTEN, {**contact_gegevens, **dict.fromkeys(CONTACTMOMENTVELDEN, waarde)}
    )
    geteld("api", len(CONTACTMOMENTVELDEN))

    assert response.status_code == 201, response.json()
    moment = Contactmoment.objects.get()
    assert {veld: getattr(moment, veld) for veld in CONTACTMOMENTVELDEN} == dict.fromkeys(
        CONTACTMOMENTVELDEN, waarde.strip()
    )


@pytest.mark.parametrize(
    "veld",
    [*CONTACTMOMENTVELDEN, "klant_email", "afdeling", "behandelaar", "label", "soort", "taal"],
)
def test_api_contactmoment_weigert_nul_surrogaat_te_lang_en_onbekend_met_een_fout_bij_dat_veld(
    api, contact_gegevens, veld
):
    waarden = geweigerd(CONTACTMOMENTVELDEN.get(veld, 254))
    if veld not in CONTACTMOMENTVELDEN:  # an address, a lookup or a choice: hostile text is wrong
        waarden |= VIJANDIG

    for naam, waarde in waarden.items():
        response = api.post(CONTACTMOMENTEN, {**contact_gegevens, veld: waarde})
        geteld("api", 1)

        assert response.status_code == 400, naam
        assert set(response.json()) == {veld}, (naam, response.json())
    assert not Contactmoment.objects.exists()


# Reading: query parameters and the address ------------------------------------------------------

LIJSTPARAMETERS = [
    "status",
    "kanaal",
    "label",
    "afdeling",
    "ontvangen_vanaf",
    "ontvangen_tot",
    "cursor",
    "aantal",
]
# As they travel in a URL (percent-encoded); the surrogate as the bytes a URL can carry.
PARAMETERWAARDEN = {
    **{naam: quote(waarde, safe="") for naam, waarde in VIJANDIG.items()},
    "nul": "a%00b",
    "surrogaat": "Los%ED%A0%80",
    "lang": "x" * 10_000,
}


@pytest.mark.parametrize("parameter", LIJSTPARAMETERS)
def test_api_lijst_met_vijandige_queryparameter_geeft_200_of_400_met_veldfout(
    api, parameter, label, categorie
):
    KlachtFactory(categorie=categorie)
    for naam, waarde in PARAMETERWAARDEN.items():
        response = api.get(f"{KLACHTEN}?{parameter}={waarde}")
        geteld("api", 1)

        assert response.status_code in (200, 400, 404), (naam, response.status_code)
        assert response["Content-Type"] == "application/json"
        if response.status_code == 400:
            assert set(response.json()) == {parameter}, (naam, response.json())


@pytest.mark.parametrize(
    "waarde", [*PARAMETERWAARDEN.values(), "KL-2026-%00"], ids=[*PARAMETERWAARDEN, "kale_nul"]
)
def test_api_vijandig_dossiernummer_in_het_adres_geeft_een_json_404(api, waarde, label):
    for achter in ("", "tijdlijn/"):
        response = api.get(f"{KLACHTEN}{waarde}/{achter}")
        geteld("api", 1)

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("moment", ["0526-06-12T10:00:00+02:00", "1899-12-31T23:59:59Z"])
def test_api_weigert_een_ontvangst_of_contactmoment_van_voor_2000(
    api, klacht_gegevens, contact_gegevens, moment
):
    """A typing error (0526 for 2026); before 1937 Amsterdam's offset had seconds, which no
    date-time in the answer could carry."""
    klacht = api.post(KLACHTEN, {**klacht_gegevens, "ontvangen_op": moment})
    contact = api.post(CONTACTMOMENTEN, {**contact_gegevens, "moment": moment})

    assert (klacht.status_code, set(klacht.json())) == (400, {"ontvangen_op"})
    assert (contact.status_code, set(contact.json())) == (400, {"moment"})
    assert not Klacht.objects.exists()
    assert not Contactmoment.objects.exists()
