"""Accounts in the admin (DESIGN.md section 10): the authenticator app's secret key is never shown
or edited there, and a change of what an account may do ends its sessions."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import rollen
from tests.factories import MedewerkerFactory
from tests.test_admin_schrijfpad import _formulier

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheer(client, beheerder):
    beheerder.is_staff = True  # the beheerder works in the Django admin (DESIGN.md section 2)
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)
    return client


def _ingelogd(medewerker) -> Client:
    """The staff member's own browser, logged in (password and second factor)."""
    browser = Client()
    browser.force_login(medewerker)
    return browser


def _sessies(medewerker) -> int:
    return sum(
        sessie.get_decoded().get("_auth_user_id") == str(medewerker.pk)
        for sessie in Session.objects.all()
    )


def test_de_geheime_sleutel_van_de_app_staat_niet_in_het_beheer(beheer, behandelaar):
    apparaat = TOTPDevice.objects.create(user=behandelaar, name="Telefoon", confirmed=True)
    for gebruiker in (None, MedewerkerFactory(is_staff=True, is_superuser=True)):
        if gebruiker is not None:
            beheer.force_login(gebruiker)
        lijst = beheer.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
        pagina = beheer.get(reverse("admin:otp_totp_totpdevice_change", args=[apparaat.pk]))

        assert pagina.status_code == 200
        html = pagina.content.decode()
        assert str(behandelaar) in lijst
        assert apparaat.key not in html + lijst
        assert 'name="key"' not in html
        assert 'name="_save"' not in html  # read only, for a superuser too
        assert beheer.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    # django_otp's configuration and QR-code pages (the key as a URL) are gone.
    for naam in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(naam, kwargs={"pk": apparaat.pk})


def test_een_sleutel_posten_in_het_beheer_verandert_niets(beheer, behandelaar):
    beheer.force_login(MedewerkerFactory(is_staff=True, is_superuser=True))
    apparaat = TOTPDevice.objects.create(user=behandelaar, name="Telefoon", confirmed=True)
    sleutel = apparaat.key
    url = reverse("admin:otp_totp_totpdevice_change", args=[apparaat.pk])

    antwoord = beheer.post(url, {"user": behandelaar.pk, "name": "Nieuw", "key": "00" * 20})

    assert antwoord.status_code == 403
    apparaat.refresh_from_db()
    assert (apparaat.key, apparaat.name) == (sleutel, "Telefoon")


def test_de_app_verwijderen_dwingt_een_nieuwe_koppeling_af(beheer, behandelaar):
    browser = _ingelogd(behandelaar)  # the behandelaar's app, confirmed, on their session
    apparaat = TOTPDevice.objects.get(user=behandelaar)
    assert _sessies(behandelaar) == 1
    url = reverse("admin:otp_totp_totpdevice_delete", args=[apparaat.pk])

    assert beheer.post(url, {"post": "yes"}).status_code == 302

    assert not TOTPDevice.objects.filter(user=behandelaar).exists()
    assert _sessies(behandelaar) == 0
    assert browser.get(reverse("klachten:werkvoorraad")).status_code == 302  # to the login


def _medewerker_opslaan(beheer, medewerker, **wijzigingen) -> None:
    url = reverse("admin:klachten_medewerker_change", args=[medewerker.pk])
    data = _formulier(beheer.get(url).content.decode())
    data.update(wijzigingen)
    data.pop("_continue", None)
    data.pop("_addanother", None)
    antwoord = beheer.post(url, data)
    assert antwoord.status_code == 302, antwoord.context and antwoord.context["errors"]


@pytest.mark.parametrize(
    "wijziging",
    [
        pytest.param(
            lambda: {"groups": [str(Group.objects.get(name=rollen.DIRECTIE).pk)]}, id="rol"
        ),
        pytest.param(lambda: {"groups": []}, id="rol-weg"),
        pytest.param(lambda: {"is_active": []}, id="gedeactiveerd"),
    ],
)
def test_een_andere_rol_of_deactiveren_beeindigt_de_sessies(beheer, behandelaar, wijziging):
    _ingelogd(behandelaar)
    _ingelogd(behandelaar)  # a second browser
    assert _sessies(behandelaar) == 2

    _medewerker_opslaan(beheer, behandelaar, **wijziging())

    assert _sessies(behandelaar) == 0
    behandelaar.refresh_from_db()
    assert (
        set(behandelaar.groups.values_list("name", flat=True)) != {rollen.KLACHTBEHANDELAAR}
        or not behandelaar.is_active
    )


def test_een_andere_naam_laat_de_sessies_staan(beheer, behandelaar):
    _ingelogd(behandelaar)

    _medewerker_opslaan(beheer, behandelaar, first_name=["Anders"])

    behandelaar.refresh_from_db()
    assert behandelaar.first_name == "Anders"
    assert _sessies(behandelaar) == 1
