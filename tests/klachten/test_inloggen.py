"""Staff login: password and a TOTP code (two-factor), lockout after repeated failures, sessions
that expire, and the security headers (issue 8, security)."""

import datetime as dt
import re
from base64 import b32decode
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import rollen, toegang
from klachten.models import Koppellink
from tests.factories import MedewerkerFactory

WACHTWOORD = "een-lang-testwachtwoord"


@pytest.fixture
def medewerker(db, afdeling_a):
    return MedewerkerFactory(
        username="sanne", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
    )


@pytest.fixture
def apparaat(medewerker):
    return TOTPDevice.objects.create(user=medewerker, name="telefoon", confirmed=True)


def code(apparaat, verschuiving=0) -> str:
    return (
        f"{totp(apparaat.bin_key, apparaat.step, apparaat.t0, apparaat.digits, verschuiving):06d}"
    )


def wachtwoord_invullen(client, username="sanne", wachtwoord=WACHTWOORD, volgende=""):
    data = {"username": username, "password": wachtwoord}
    if volgende:
        data["next"] = volgende
    return client.post(reverse("login"), data)


def test_wachtwoord_alleen_geeft_geen_toegang_tot_medewerkerspaginas(client, apparaat):
    response = wachtwoord_invullen(client)
    assert response.status_code == 302
    for url in (
        reverse("klachten:werkvoorraad"),
        reverse("klanttevredenheid:dashboard"),
        reverse("rapportage:index"),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("tweestaps")), url


def test_api_met_sessie_zonder_code_is_verboden(client, apparaat):
    wachtwoord_invullen(client)
    response = client.get("/api/v1/klachten/")
    assert response.status_code == 403
    assert "Tweestapsverificatie" in response.json()["detail"]


def test_goede_code_geeft_toegang_en_stuurt_door_naar_de_gevraagde_pagina(client, apparaat):
    client.get(reverse("klachten:verbeterpunten"))
    wachtwoord_invullen(client, volgende=reverse("klachten:verbeterpunten"))
    pagina = client.get(reverse("tweestaps") + "?next=" + reverse("klachten:verbeterpunten"))
    assert pagina.status_code == 200
    assert 'autocomplete="one-time-code"' in pagina.content.decode()

    response = client.post(
        reverse("tweestaps"), {"code": code(apparaat), "next": reverse("klachten:verbeterpunten")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("klachten:verbeterpunten")
    assert client.get(reverse("klachten:werkvoorraad")).status_code == 200


def test_verkeerde_code_geeft_een_foutmelding_en_geen_toegang(client, apparaat):
    wachtwoord_invullen(client)
    goed = code(apparaat)
    fout = "000000" if goed != "000000" else "111111"
    response = client.post(reverse("tweestaps"), {"code": fout})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get(reverse("klachten:werkvoorraad")).status_code == 302


def test_een_code_werkt_maar_een_keer(client, apparaat):
    wachtwoord_invullen(client)
    goed = code(apparaat)
    assert client.post(reverse("tweestaps"), {"code": goed}).status_code == 302
    client.post(reverse("logout"))

    # The same code again (someone who saw it over the shoulder) is refused.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):
        wachtwoord_invullen(client)
        response = client.post(reverse("tweestaps"), {"code": goed})
    assert response.status_code == 200
    assert client.get(reverse("klachten:werkvoorraad")).status_code == 302


def test_open_redirect_na_de_code_wordt_genegeerd(client, apparaat):
    wachtwoord_invullen(client)
    response = client.post(
        reverse("tweestaps"), {"code": code(apparaat), "next": "https://kwaadwillend.example/"}
    )
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def sleutel_op(pagina: str) -> tuple[str, bytes]:
    geheim = re.search(r'<code class="sleutel">([A-Z2-7 ]+)</code>', pagina).group(1)
    zonder = geheim.replace(" ", "")
    return geheim, b32decode(zonder + "=" * (-len(zonder) % 8))


def koppellink_openen(client, medewerker) -> str:
    """The beheerder hands out a koppellink; the staff member opens it. Returns the token."""
    _link, token = toegang.koppellink_maken(medewerker=medewerker)
    response = client.get(reverse("koppellink", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("tweestaps-instellen")
    return token


def test_eerste_keer_inloggen_stelt_de_app_in_via_de_koppellink(client, medewerker):
    koppellink_openen(client, medewerker)
    # Not logged in yet: the password first, then back to linking the app.
    naar_login = client.get(reverse("tweestaps-instellen"))
    assert naar_login["Location"].startswith(reverse("login"))
    response = wachtwoord_invullen(client, volgende=reverse("tweestaps-instellen"))
    assert response["Location"] == reverse("tweestaps-instellen")

    pagina = client.get(reverse("tweestaps-instellen")).content.decode()
    assert "<svg" in pagina
    geheim, sleutel = sleutel_op(pagina)
    # Nothing stored until the app proves it has the key.
    assert not TOTPDevice.objects.filter(user=medewerker).exists()
    # Reloading the page shows the same key (the app may already hold it).
    assert geheim in client.get(reverse("tweestaps-instellen")).content.decode()

    nieuw = TOTPDevice(user=medewerker, key=sleutel.hex())
    response = client.post(reverse("tweestaps-instellen"), {"code": code(nieuw)})
    assert response.status_code == 302
    apparaat = TOTPDevice.objects.get(user=medewerker)
    assert apparaat.confirmed
    assert apparaat.bin_key == sleutel
    assert client.get(reverse("klachten:werkvoorraad")).status_code == 200
    assert Koppellink.objects.get().gebruikt_op is not None
    # The code that linked the app cannot log in once more.
    client.post(reverse("logout"))
    wachtwoord_invullen(client)
    assert client.post(reverse("tweestaps"), {"code": code(nieuw)}).status_code == 200


def test_wie_alleen_het_wachtwoord_kent_koppelt_geen_app(client, medewerker):
    """Whoever first knows the password of a new account cannot claim its second factor: no
    QR code, no key, and a code sent anyway links nothing."""
    wachtwoord_invullen(client)
    response = client.get(reverse("tweestaps"))
    assert response["Location"].startswith(reverse("tweestaps-instellen"))

    pagina = client.get(reverse("tweestaps-instellen"))
    poging = client.post(reverse("tweestaps-instellen"), {"code": "123456"})

    assert pagina.status_code == poging.status_code == 403
    assert "koppellink" in pagina.content.decode()
    assert "<svg" not in pagina.content.decode()
    assert 'class="sleutel"' not in pagina.content.decode()
    assert not TOTPDevice.objects.filter(user=medewerker).exists()
    assert client.get(reverse("klachten:werkvoorraad")).status_code == 302


def test_de_koppellink_werkt_maar_een_keer(client, medewerker):
    token = koppellink_openen(client, medewerker)
    wachtwoord_invullen(client)
    _geheim, sleutel = sleutel_op(client.get(reverse("tweestaps-instellen")).content.decode())
    client.post(
        reverse("tweestaps-instellen"),
        {"code": code(TOTPDevice(user=medewerker, key=sleutel.hex()))},
    )
    assert TOTPDevice.objects.filter(user=medewerker, confirmed=True).count() == 1

    tweede = Client()
    response = tweede.get(reverse("koppellink", args=[token]))

    assert response.status_code == 404
    assert "werkt niet" in response.content.decode()


def test_de_koppellink_is_24_uur_geldig(client, medewerker):
    _link, token = toegang.koppellink_maken(medewerker=medewerker)

    with time_machine.travel(timezone.now() + dt.timedelta(hours=23, minutes=59)):
        assert client.get(reverse("koppellink", args=[token])).status_code == 302
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, minutes=1)):
        assert Client().get(reverse("koppellink", args=[token])).status_code == 404
        # Opened in time, but the password came too late: no app either.
        wachtwoord_invullen(client)
        assert client.get(reverse("tweestaps-instellen")).status_code == 403


def test_de_koppellink_werkt_alleen_voor_het_eigen_account(client, medewerker, afdeling_a):
    MedewerkerFactory(
        username="collega", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
    )
    koppellink_openen(client, medewerker)

    wachtwoord_invullen(client, username="collega")

    assert client.get(reverse("tweestaps-instellen")).status_code == 403


def test_de_koppellink_staat_alleen_als_hash_in_de_database_en_een_nieuwe_vervangt_hem(medewerker):
    _link, oud = toegang.koppellink_maken(medewerker=medewerker)
    link, token = toegang.koppellink_maken(medewerker=medewerker)

    assert list(Koppellink.objects.values_list("pk", flat=True)) == [link.pk]
    assert token not in link.token_hash
    assert toegang.koppellink_voor(token) == link
    assert toegang.koppellink_voor(oud) is None


def test_met_een_nieuwe_koppellink_vervangt_een_nieuwe_app_de_oude(client, apparaat):
    """A lost phone: the beheerder hands out a new link; the old app stops working."""
    koppellink_openen(client, apparaat.user)
    wachtwoord_invullen(client)
    _geheim, sleutel = sleutel_op(client.get(reverse("tweestaps-instellen")).content.decode())

    client.post(
        reverse("tweestaps-instellen"),
        {"code": code(TOTPDevice(user=apparaat.user, key=sleutel.hex()))},
    )

    assert [a.bin_key for a in TOTPDevice.objects.filter(user=apparaat.user)] == [sleutel]


def test_de_beheerder_maakt_een_koppellink_in_de_admin_en_met_een_commando(
    client, beheerder, medewerker
):
    beheerder.is_staff = True
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)

    response = client.post(
        reverse("admin:klachten_medewerker_changelist"),
        {"action": "koppellink_maken", "_selected_action": [medewerker.pk]},
        follow=True,
    )
    uitvoer = StringIO()
    call_command("koppellink", "sanne", stdout=uitvoer)

    melding = next(str(m) for m in response.context["messages"] if "sanne" in str(m))
    assert re.search(r"/account/koppelen/[\w-]+/", melding)
    url = uitvoer.getvalue().strip().splitlines()[-1]
    token = url.rstrip("/").rsplit("/", 1)[1]
    # The command's link replaced the admin's (one usable link per account).
    assert toegang.koppellink_voor(token).medewerker == medewerker
    assert Koppellink.objects.filter(medewerker=medewerker).count() == 1


def test_met_een_app_kan_een_wachtwoord_alleen_geen_tweede_app_toevoegen(client, apparaat):
    wachtwoord_invullen(client)
    response = client.get(reverse("tweestaps-instellen"))
    assert response["Location"].startswith(reverse("tweestaps"))
    client.post(reverse("tweestaps-instellen"), {"code": "123456"})
    assert TOTPDevice.objects.filter(user=apparaat.user).count() == 1


def test_na_vijf_verkeerde_wachtwoorden_is_het_account_een_half_uur_geblokkeerd(client, apparaat):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = wachtwoord_invullen(client, wachtwoord="fout")
        assert response.status_code == 200
    response = wachtwoord_invullen(client, wachtwoord="fout")
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()
    assert "30 minuten" in response.content.decode()

    # Also the right password, also from another address.
    response = client.post(
        reverse("login"),
        {"username": "sanne", "password": WACHTWOORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        response = wachtwoord_invullen(client)
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username="sanne").exists()


def test_een_adres_dat_veel_accounts_probeert_wordt_geblokkeerd(client, apparaat):
    """Password spraying: one password tried on many usernames from one address."""
    for nummer in range(settings.AXES_FAILURE_LIMIT):
        response = wachtwoord_invullen(client, username=f"gok{nummer}", wachtwoord="Zomer2026!")
    assert response.status_code == 429
    assert wachtwoord_invullen(client).status_code == 429
    # Another address is not affected.
    response = client.post(
        reverse("login"), {"username": "sanne", "password": WACHTWOORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


def test_verkeerde_codes_tellen_mee_voor_de_blokkade(client, apparaat):
    wachtwoord_invullen(client)
    goed = {code(apparaat, d) for d in (-1, 0, 1)}
    fout = next(c for c in ("000000", "111111", "222222", "333333") if c not in goed)
    for poging in range(settings.AXES_FAILURE_LIMIT):
        # Past django-otp's growing delay between attempts.
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=2**poging)):
            response = client.post(reverse("tweestaps"), {"code": fout})
    assert response.status_code == 429
    # Logged out: the half-logged-in session is gone, and the password is locked too.
    assert client.get(reverse("tweestaps"))["Location"].startswith(reverse("login"))
    assert wachtwoord_invullen(client).status_code == 429


def test_sessie_verloopt_na_een_half_uur_zonder_activiteit(client, apparaat):
    wachtwoord_invullen(client)
    client.post(reverse("tweestaps"), {"code": code(apparaat)})
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        assert client.get(reverse("klachten:werkvoorraad")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=45)):
        # 25 minutes after the last request: still in.
        assert client.get(reverse("klachten:werkvoorraad")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=45 + 31)):
        response = client.get(reverse("klachten:werkvoorraad"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        # Gone for good: logging in again needs password and code again.
        assert client.get(reverse("klachten:werkvoorraad"))["Location"].startswith(reverse("login"))


def test_sessie_eindigt_bij_het_sluiten_van_de_browser_en_na_een_werkdag():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSIE_INACTIEF_MINUTEN <= 30


def test_wachtwoorden_worden_gecontroleerd_door_djangos_validators(medewerker):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for zwak in ("wachtwoord", "12345678901234", "kort", medewerker.email):
        with pytest.raises(ValidationError):
            validate_password(zwak, user=medewerker)
    validate_password("paard-batterij-nietje-correct", user=medewerker)


def test_paginas_hebben_een_content_security_policy(client, label):
    response = client.get(reverse("klachten:indienen"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    # The label colour comes in a <style> with the page's nonce, never in a style attribute.
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert " style=" not in html


def test_inlogpagina_heeft_een_content_security_policy(client):
    response = client.get(reverse("login"))
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_opnieuw_inloggen_met_het_wachtwoord_wist_de_verkeerde_codes_niet(client, apparaat):
    """Whoever knows the password does not get endless guesses at the code by logging in again."""
    goed = {code(apparaat, d) for d in (-1, 0, 1)}
    fout = next(c for c in ("000000", "111111", "222222", "333333") if c not in goed)
    response = None
    for poging in range(settings.AXES_FAILURE_LIMIT):
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=2**poging)):
            wachtwoord_invullen(client)
            response = client.post(reverse("tweestaps"), {"code": fout})
            client.post(reverse("logout"))
    assert response.status_code == 429
    assert wachtwoord_invullen(client).status_code == 429


def test_het_wachtwoord_van_een_collega_raden_helpt_niet_door_zelf_in_te_loggen(
    client, apparaat, afdeling_a
):
    MedewerkerFactory(username="mallory", rollen=[rollen.KLACHTBEHANDELAAR])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wachtwoord_invullen(client, wachtwoord="fout")
    # A good login of another account from the same address resets nothing.
    assert wachtwoord_invullen(client, username="mallory").status_code == 302
    client.post(reverse("logout"))
    assert wachtwoord_invullen(client, wachtwoord="fout").status_code == 429


def test_een_goede_code_wist_de_eigen_verkeerde_pogingen(client, apparaat):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        wachtwoord_invullen(client, wachtwoord="fout")
    wachtwoord_invullen(client)
    client.post(reverse("tweestaps"), {"code": code(apparaat)})
    assert not AccessAttempt.objects.filter(username="sanne").exists()


def test_wachtwoord_wijzigen_vraagt_ook_de_code(client, apparaat):
    wachtwoord_invullen(client)
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("tweestaps"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": WACHTWOORD,
            "new_password1": "een-ander-lang-wachtwoord",
            "new_password2": "een-ander-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    apparaat.user.refresh_from_db()
    assert apparaat.user.check_password(WACHTWOORD)


def test_met_alleen_het_wachtwoord_is_geen_enkele_pagina_van_medewerkers_bereikbaar(
    client, apparaat
):
    """Every URL of the site, with a session that gave the password but no code: only the
    login steps, logging out, the language switch and the public pages answer."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def paden(patronen, prefix=""):
        for patroon in patronen:
            if isinstance(patroon, URLResolver):
                yield from paden(patroon.url_patterns, prefix + str(patroon.pattern))
            elif isinstance(patroon, URLPattern):
                yield prefix + str(patroon.pattern), patroon.name

    wachtwoord_invullen(client)
    vrij = {"login", "logout", "tweestaps", "tweestaps-instellen", "set_language"}
    geprobeerd = 0
    for pad, naam in paden(get_resolver().url_patterns):
        if (
            "<" in pad
            or "(" in pad
            or "^" in pad
            or naam in vrij
            or "password_reset" in (naam or "")
        ):
            continue
        response = client.get("/" + pad)
        geprobeerd += 1
        assert response.status_code in (302, 403, 404, 405), (pad, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("tweestaps")), pad
    assert geprobeerd > 15


def test_na_een_werkdag_eindigt_ook_een_actieve_sessie(client, apparaat):
    wachtwoord_invullen(client)
    client.post(reverse("tweestaps"), {"code": code(apparaat)})
    start = timezone.now()
    for minuten in range(20, settings.SESSIE_MAX_UREN * 60, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minuten)):
            assert client.get(reverse("klachten:werkvoorraad")).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=settings.SESSIE_MAX_UREN, minutes=5)):
        response = client.get(reverse("klachten:werkvoorraad"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_een_app_ontkoppelen_beeindigt_de_sessies_die_ermee_zijn_geverifieerd(
    client, apparaat, beheerder
):
    wachtwoord_invullen(client)
    client.post(reverse("tweestaps"), {"code": code(apparaat)})
    assert client.get(reverse("klachten:werkvoorraad")).status_code == 200

    # The beheerder unlinks the lost phone in the admin.
    beheerder.is_staff = True
    beheerder.save(update_fields=["is_staff"])
    beheer = Client()
    beheer.force_login(beheerder)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[apparaat.pk])
    assert beheer.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=apparaat.pk).exists()

    response = client.get(reverse("klachten:werkvoorraad"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert beheer.get(reverse("admin:index")).status_code == 200  # the beheerder stays in


@pytest.mark.parametrize(
    ("kop", "verwacht"),
    [
        ("", "10.0.0.5"),
        ("203.0.113.7", "203.0.113.7"),
        # The client wrote the first address itself; the proxy appended the real one.
        ("198.51.100.66, 203.0.113.7", "203.0.113.7"),
    ],
)
def test_het_adres_van_de_klant_komt_van_de_eigen_proxy(settings, rf, kop, verwacht):
    from klachten.middleware import client_ip

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.VERTROUWDE_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=kop)
    if not kop:
        del request.META["HTTP_X_FORWARDED_FOR"]
    assert client_ip(request) == verwacht


def test_oude_sessies_pogingen_en_inloglog_worden_opgeruimd(client, apparaat):
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    from klachten import tasks

    assert "inloggegevens-opruimen" in settings.CELERY_BEAT_SCHEDULE
    wachtwoord_invullen(client, wachtwoord="fout")
    wachtwoord_invullen(client)
    assert AccessAttempt.objects.exists()
    assert AccessLog.objects.exists()
    assert Session.objects.exists()

    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        uitkomst = tasks.inloggegevens_opruimen.delay().get()
        assert uitkomst["sessies"] >= 1  # expired after 10 hours
        assert not Session.objects.exists()
        assert not AccessAttempt.objects.exists()
        assert AccessLog.objects.exists()  # kept 90 days
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.INLOGLOG_BEWAARDAGEN + 1)):
        tasks.inloggegevens_opruimen.delay().get()
    assert not AccessLog.objects.exists()
