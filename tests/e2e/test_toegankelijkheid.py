"""Accessibility (issue 8, WCAG 2.1 AA): the public pages and the main staff pages pass axe-core
with no serious or critical violation; the public complaint form can be completed with the
keyboard alone; every error in the summary at the top links to its field, which names the error
in its aria-describedby; focus is always visible.

axe-core comes from npm (package.json in the project root; scripts/test runs `npm ci` when
node_modules/axe-core is missing) and is loaded into each page by Playwright, as an init script of
the context (once per page, not once per check). The context of the axe checks bypasses the
Content-Security-Policy, which allows no script from elsewhere."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from klachten import rollen, services
from klachten.berichten import klacht_status_url
from klanttevredenheid.models import ContactmomentSoort, Kwartaalcijfer, Opvolging
from rapportage import services as rapportage_services
from tests.e2e.conftest import E2E_WACHTWOORD, inloggen
from tests.factories import KlachtFactory, respons, verzonden_uitnodiging

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ERNSTIG = {"serious", "critical"}
BREEDTES = (1280, 1024, 768, 390)
AXE_RUN = """async (tags) => {
    const resultaat = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations", "incomplete"],
    });
    if (!resultaat.passes.length) throw new Error("axe-core checked no rule");
    const schendingen = resultaat.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        doelen: v.nodes.map((n) => n.target.join(" ")),
    }));
    // Text in the colour of its background is invisible; axe only asks to review it.
    for (const v of resultaat.incomplete.filter((v) => v.id === "color-contrast")) {
        const onzichtbaar = v.nodes.filter((n) =>
            n.any.some((c) => c.data && c.data.messageKey === "equalRatio"));
        if (onzichtbaar.length) schendingen.push({
            id: "color-contrast (1:1)",
            impact: "serious",
            help: "Text has the colour of its background",
            doelen: onzichtbaar.map((n) => n.target.join(" ")),
        });
    }
    return schendingen;
}"""

# Every page axe looked at in the running test and every violation it reported (any impact):
# printed at the end of each axe test (pytest -s shows it) for the accessibility report.
GECONTROLEERD: list[str] = []


@pytest.fixture
def axe_pagina(browser: Browser, browser_context_args):
    """A page whose context bypasses the Content-Security-Policy, so that the injected axe-core
    script may run (the site itself allows no script from elsewhere); every document the page
    opens gets axe-core before its own content."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the project root (scripts/test does)")
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


def axe_controleren(page: Page, naam: str, bevindingen: list[str]) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now, at desktop, laptop,
    tablet and phone widths (a table that scrolls sideways at one width only is found there);
    serious and critical violations go into `bevindingen` as readable lines (collected, so that
    every page is checked)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof axe !== 'undefined'"):  # a page without axe_pagina's script
        page.add_script_tag(path=str(AXE))
    for breedte in BREEDTES:
        page.set_viewport_size({"width": breedte, "height": 900})
        schendingen = page.evaluate(AXE_RUN, WCAG_TAGS)
        GECONTROLEERD.append(f"{naam} @{breedte} ({page.url}): {len(schendingen)} violation(s)")
        for s in schendingen:
            regel = f"{naam} @{breedte}px: {s['id']} ({s['impact']}) {s['help']} -> " + ", ".join(
                s["doelen"][:5]
            )
            GECONTROLEERD.append("    " + regel)
            if s["impact"] in ERNSTIG:
                bevindingen.append(regel)
    page.set_viewport_size({"width": BREEDTES[0], "height": 900})


def axe_verslag(bevindingen: list[str]) -> None:
    print("\naxe-core:\n" + "\n".join(GECONTROLEERD))
    GECONTROLEERD.clear()
    assert not bevindingen, "Serious or critical axe-core violations:\n" + "\n".join(bevindingen)


def openen(page: Page, url: str) -> None:
    """Go to a page that must exist: axe-core would happily check an error page instead."""
    antwoord = page.goto(url)
    assert antwoord.ok, f"{url} answered {antwoord.status}"


def pad_van(url: str) -> str:
    """The path of an absolute URL the application made (SITE_URL is not the live server's)."""
    return "/" + url.split("://", 1)[1].partition("/")[2]


@pytest.fixture
def gepubliceerde_cijfers(e2e_label, e2e_dossiers, e2e_behandelaar):
    """Published figures for the public pages: four quarters of kwartaalcijfers and this year's
    klachtenjaarverslag, published as if it were January of next year."""
    nu = timezone.now()
    for i, (jaar, kwartaal) in enumerate(
        [(nu.year - 1, 3), (nu.year - 1, 4), (nu.year, 1), (nu.year, 2)]
    ):
        Kwartaalcijfer.objects.create(
            label=e2e_label,
            jaar=jaar,
            kwartaal=kwartaal,
            gemiddelde=None if i == 0 else 7 + i / 10,
            aantal=0 if i == 0 else 40 + i,
            berekend_op=nu,
        )
    rapport = rapportage_services.jaarrapport_voor(jaar=nu.year, label=e2e_label)
    rapportage_services.jaarrapport_bewerken(
        jaarrapport=rapport,
        door=e2e_behandelaar,
        toelichting="Minder klachten over declaraties; de brieven zijn herschreven in B1-taal.",
    )
    rapportage_services.jaarrapport_publiceren(
        jaarrapport=rapport,
        door=e2e_behandelaar,
        op=dt.datetime(nu.year + 1, 1, 20, 10, 0, tzinfo=dt.UTC),
    )
    return rapport


@pytest.fixture
def enquete_uitnodiging(e2e_label, e2e_afdeling, e2e_behandelaar):
    """A survey invitation that went out, with the recommend (NPS) question."""
    return verzonden_uitnodiging(
        label=e2e_label,
        soort=ContactmomentSoort.SCHADE_GEMELD,
        klant_email="bram@example.nl",
        klant_naam="Bram Hendriks",
        afdeling=e2e_afdeling,
        behandelaar=e2e_behandelaar,
    )


def test_publieke_paginas_zonder_ernstige_axe_schendingen(
    axe_pagina: Page,
    live_server,
    e2e_dossiers,
    e2e_behandelaar,
    e2e_tweedelijns,
    gepubliceerde_cijfers,
    enquete_uitnodiging,
):
    page, url, bevindingen = axe_pagina, live_server.url, []

    openen(page, f"{url}/klacht/")
    axe_controleren(page, "klachtformulier", bevindingen)
    page.get_by_role("button", name="Klacht versturen").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "klachtformulier met fouten", bevindingen)
    page.get_by_label("Uw naam").fill("Johanna van der Meer")
    page.get_by_label("Uw e-mailadres").fill("johanna@example.nl")
    page.get_by_label("Waar gaat uw klacht over?").select_option(label="Declaratie")
    page.get_by_label("Wat is er gebeurd?").fill("Mijn declaratie is na zes weken niet betaald.")
    page.get_by_label("Ik ga akkoord met de privacyverklaring.").check()
    page.get_by_role("button", name="Klacht versturen").click()
    expect(page.locator("#dossiernummer")).to_be_visible()
    axe_controleren(page, "bevestiging", bevindingen)

    for naam in ("onderzoek_te_laat", "beantwoord", "heroverweging", "nieuw"):
        openen(page, url + pad_van(klacht_status_url(e2e_dossiers[naam])))
        axe_controleren(page, f"statuspagina {naam}", bevindingen)

    # The forms of the status page, sent empty: their errors.
    openen(page, url + pad_van(klacht_status_url(e2e_dossiers["onderzoek_te_laat"])))
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "statuspagina aanvullen met fouten", bevindingen)
    openen(page, url + pad_van(klacht_status_url(e2e_dossiers["beantwoord"])))
    page.get_by_role("button", name="Heroverweging aanvragen").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "statuspagina heroverweging met fouten", bevindingen)

    openen(page, f"{url}/klacht/link-kwijt/")
    axe_controleren(page, "link kwijt", bevindingen)
    page.get_by_role("button", name="Stuur de link").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "link kwijt met fouten", bevindingen)

    openen(page, f"{url}/enquete/{enquete_uitnodiging.token}/")
    axe_controleren(page, "enquete", bevindingen)
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "enquete met fouten", bevindingen)
    page.get_by_role("group", name=re.compile("Welk rapportcijfer")).get_by_text(
        "8", exact=True
    ).click()
    page.get_by_role("group", name=re.compile("aanbeveelt")).get_by_text("9", exact=True).click()
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw antwoorden")
    axe_controleren(page, "enquete bedankt", bevindingen)

    openen(page, f"{url}/klanttevredenheid/")
    expect(page.locator(".kwartaaltabel")).to_be_visible()
    axe_controleren(page, "klanttevredenheid publiek", bevindingen)
    openen(page, f"{url}/klachtenjaarverslag/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(gepubliceerde_cijfers.jaar))
    axe_controleren(page, "klachtenjaarverslag publiek", bevindingen)

    openen(page, f"{url}/account/login/")
    axe_controleren(page, "inloggen", bevindingen)
    page.locator("#id_username").fill("niemand")
    page.locator("#id_password").fill("fout-wachtwoord")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "inloggen met fouten", bevindingen)

    # The second step of the staff login: setting up the authenticator app at the first login,
    # then the code (a wrong one shows the error).
    page.locator("#id_username").fill(e2e_tweedelijns.username)
    page.locator("#id_password").fill(E2E_WACHTWOORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/tweestaps/instellen/"))
    axe_controleren(page, "tweestapsverificatie instellen", bevindingen)
    page.context.clear_cookies()
    TOTPDevice.objects.create(user=e2e_behandelaar, name="e2e", confirmed=True)
    openen(page, f"{url}/account/login/")
    page.locator("#id_username").fill(e2e_behandelaar.username)
    page.locator("#id_password").fill(E2E_WACHTWOORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/tweestaps/"))
    axe_controleren(page, "tweestapsverificatie", bevindingen)
    page.locator("#id_code").fill("12345")
    page.get_by_role("button", name="Controleren", exact=True).click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "tweestapsverificatie met fouten", bevindingen)
    page.context.clear_cookies()

    page.goto(f"{url}/klacht/status/geen-echt-token/")
    axe_controleren(page, "niet gevonden", bevindingen)
    axe_verslag(bevindingen)


def test_medewerkerspaginas_zonder_ernstige_axe_schendingen(
    axe_pagina: Page, live_server, e2e_dossiers, e2e_behandelaar
):
    page, url, bevindingen = axe_pagina, live_server.url, []
    respons(
        label=e2e_dossiers["nieuw"].label,
        rapportcijfer=4,
        nps_score=3,
        toelichting="Niemand belde terug.",
        behandelaar=e2e_behandelaar,
        afdeling=e2e_dossiers["nieuw"].afdeling,
    )
    respons(label=e2e_dossiers["nieuw"].label, rapportcijfer=9, nps_score=10)
    inloggen(page, live_server, e2e_behandelaar.username)
    dossier = e2e_dossiers["onderzoek_te_laat"].dossiernummer
    # One message the mail server refused for good: the queue's marker, the dossier's delivery
    # state with its button, and the page that sends it again (issue 15).
    onbestelbaar = e2e_dossiers["onderzoek_te_laat"].berichten.order_by("pk").first()
    onbestelbaar.status, onbestelbaar.laatste_fout = "onbestelbaar", "550 5.1.1 No such user"
    onbestelbaar.save(update_fields=["status", "laatste_fout"])
    services.bericht_onbestelbaar_verwerken(bericht=onbestelbaar)

    openen(page, f"{url}/medewerker/")
    axe_controleren(page, "werkvoorraad", bevindingen)
    openen(page, f"{url}/medewerker/?niet_bezorgd=on")
    axe_controleren(page, "werkvoorraad bericht niet bezorgd", bevindingen)
    openen(
        page, f"{url}/medewerker/klachten/{dossier}/berichten/{onbestelbaar.pk}/opnieuw-versturen/"
    )
    axe_controleren(page, "bericht opnieuw versturen", bevindingen)
    openen(page, f"{url}/medewerker/?over_termijn=on")
    axe_controleren(page, "werkvoorraad gefilterd", bevindingen)
    openen(page, f"{url}/medewerker/klachten/{dossier}/")
    axe_controleren(page, "dossier", bevindingen)
    openen(page, f"{url}/medewerker/klachten/{e2e_dossiers['beantwoord'].dossiernummer}/")
    axe_controleren(page, "dossier beantwoord", bevindingen)
    # Closing: the danger-styled button, the sentence of what happens, the box to tick.
    openen(page, f"{url}/medewerker/klachten/{e2e_dossiers['beantwoord'].dossiernummer}/afsluiten/")
    axe_controleren(page, "actie afsluiten", bevindingen)
    page.locator("form.formulier button[type=submit]").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "actie afsluiten zonder bevestiging", bevindingen)

    openen(page, f"{url}/medewerker/klachten/nieuw/")
    axe_controleren(page, "klacht registreren", bevindingen)
    page.get_by_role("button", name="Registreren").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "klacht registreren met fouten", bevindingen)

    openen(page, f"{url}/medewerker/klachten/{dossier}/antwoord-sturen/")
    axe_controleren(page, "actie antwoord sturen", bevindingen)
    # The preview of the message (issue 18), with its warning (no verdict chosen yet).
    page.get_by_role("button", name="Voorbeeld").click()
    expect(page.locator("section.voorbeeld")).to_be_visible()
    axe_controleren(page, "actie antwoord sturen met voorbeeld", bevindingen)
    openen(page, f"{url}/medewerker/klachten/{dossier}/opschorten/")
    axe_controleren(page, "actie opschorten", bevindingen)
    page.locator("form.formulier button[type=submit]").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "actie opschorten met fouten", bevindingen)

    # The print tray with a letter to a customer without e-mail (issue 18).
    nieuw = e2e_dossiers["nieuw"]
    per_post = KlachtFactory(
        label=nieuw.label,
        categorie=nieuw.categorie,
        klant_email="",
        klant_postadres="Dorpsstraat 12\n1234 AB Ergenshuizen",
    )
    services.ontvangst_bevestigen(klacht=per_post, door=e2e_behandelaar)
    openen(page, f"{url}/medewerker/te-printen/")
    expect(page.get_by_role("link", name=per_post.dossiernummer)).to_be_visible()
    axe_controleren(page, "te printen", bevindingen)

    openen(page, f"{url}/medewerker/verbeterpunten/")
    axe_controleren(page, "verbeterpunten", bevindingen)
    openen(page, f"{url}/medewerker/klanttevredenheid/")
    axe_controleren(page, "klanttevredenheid dashboard", bevindingen)
    openen(page, f"{url}/medewerker/klanttevredenheid/opvolgingen/{Opvolging.objects.get().pk}/")
    axe_controleren(page, "opvolging", bevindingen)

    # The reports are for the directie (and teamleiders).
    e2e_behandelaar.groups.add(Group.objects.get(name=rollen.DIRECTIE))
    vandaag = timezone.localdate()
    openen(page, f"{url}/medewerker/rapportage/{vandaag.year}/{vandaag.month}/")
    axe_controleren(page, "maandrapportage", bevindingen)
    openen(page, f"{url}/medewerker/rapportage/jaar/{vandaag.year}/")
    axe_controleren(page, "jaarrapport (directie)", bevindingen)
    # Publishing last year's report: the preview (the public page with its bar) and the
    # confirmation with its danger-styled button (issue 19).
    label = e2e_dossiers["nieuw"].label
    concept = rapportage_services.jaarrapport_bewerken(
        jaarrapport=rapportage_services.jaarrapport_voor(jaar=vandaag.year - 1, label=label),
        door=e2e_behandelaar,
        toelichting="Minder klachten over declaraties dan het jaar ervoor.",
    )
    openen(page, f"{url}/medewerker/rapportage/jaar/{concept.jaar}/voorbeeld/?label={label.slug}")
    axe_controleren(page, "jaarrapport voorbeeld", bevindingen)
    page.get_by_role("link", name="Verder naar publiceren").click()
    expect(page.get_by_role("button", name="Definitief publiceren")).to_be_visible()
    axe_controleren(page, "jaarrapport publiceren (bevestiging)", bevindingen)
    helft = 1 if vandaag.month <= 6 else 2
    openen(page, f"{url}/medewerker/rapportage/analyse/{vandaag.year}/{helft}/")
    axe_controleren(page, "klachtanalyse met grafieken", bevindingen)
    # The working group's meetings and the shared reports (issue 22).
    openen(page, f"{url}/medewerker/rapportage/werkgroep/nieuw/")
    axe_controleren(page, "werkgroepoverleg vastleggen", bevindingen)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#foutsamenvatting")).to_be_visible()
    axe_controleren(page, "werkgroepoverleg met fouten", bevindingen)
    page.locator("#id_prioriteiten").fill("Wachttijden declaraties")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Werkgroepoverleg", exact=True)).to_be_visible()
    axe_controleren(page, "werkgroepoverleggen", bevindingen)
    openen(page, f"{url}/medewerker/rapportage/gedeeld/")
    axe_controleren(page, "gedeelde rapporten", bevindingen)

    # The error pages inside the staff layout (issue 19): a page of another role, a dead link.
    assert page.goto(f"{url}/medewerker/privacy/").status == 403  # not a beheerder yet
    axe_controleren(page, "geen toegang", bevindingen)
    assert page.goto(f"{url}/medewerker/klachten/KL-1999-000001/").status == 404
    axe_controleren(page, "niet gevonden (medewerker)", bevindingen)

    # A customer's AVG requests are the beheerder's.
    e2e_behandelaar.groups.add(Group.objects.get(name=rollen.BEHEERDER))
    openen(page, f"{url}/medewerker/privacy/")
    axe_controleren(page, "privacy (AVG)", bevindingen)
    page.locator("#id_email").fill(e2e_dossiers["beantwoord"].klant_email)
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.get_by_role("button", name="Alle gegevens downloaden (ZIP)")).to_be_visible()
    axe_controleren(page, "privacy (AVG) met gevonden gegevens", bevindingen)
    axe_verslag(bevindingen)


# --- keyboard, error summary, focus ----------------------------------------------------------


def actief_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_naar(page: Page, veld_id: str, hoogstens: int = 12) -> None:
    """Press Tab until the field has the focus (skipping what lies between)."""
    for _ in range(hoogstens):
        page.keyboard.press("Tab")
        if actief_id(page) == veld_id:
            return
    pytest.fail(f"#{veld_id} was not reached with {hoogstens} presses of Tab")


def test_klachtformulier_is_met_alleen_het_toetsenbord_in_te_vullen(
    page: Page, live_server, e2e_label, e2e_categorie
):
    page.goto(f"{live_server.url}/klacht/")
    # The first Tab reaches the skip link; Enter jumps over the header to the content.
    page.keyboard.press("Tab")
    skiplink = page.get_by_role("link", name="Naar de inhoud")
    expect(skiplink).to_be_focused()
    expect(skiplink).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_naar(page, "id_klant_naam")
    page.keyboard.type("Johanna van der Meer")
    page.keyboard.press("Tab")
    expect(page.locator("#id_klant_email")).to_be_focused()
    page.keyboard.type("johanna@example.nl")
    tab_naar(page, "id_categorie")
    page.keyboard.type("Declaratie")  # a closed select picks the option typed
    expect(page.locator("#id_categorie")).to_have_value(str(e2e_categorie.pk))
    page.keyboard.press("Tab")
    expect(page.locator("#id_omschrijving")).to_be_focused()
    page.keyboard.type("Mijn declaratie van de fysiotherapeut is na zes weken niet betaald.")
    page.keyboard.press("Tab")
    page.keyboard.type("Dat de declaratie wordt betaald.")
    # Forgot the privacy checkbox: send with Enter on the button.
    tab_naar(page, "id_privacy_akkoord")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Klacht versturen")).to_be_focused()
    page.keyboard.press("Enter")

    # The error summary has the focus; its link takes the focus to the checkbox.
    samenvatting = page.locator("#foutsamenvatting")
    expect(samenvatting).to_be_focused()
    page.keyboard.press("Tab")
    expect(samenvatting.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_privacy_akkoord")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#id_privacy_akkoord")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Klacht versturen")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bedankt, we hebben uw klacht ontvangen"
    )
    expect(page.locator("#dossiernummer")).to_have_text(re.compile(r"^KL-\d{4}-\d{6}$"))


def test_enquete_is_met_alleen_het_toetsenbord_in_te_vullen(
    page: Page, live_server, enquete_uitnodiging
):
    page.goto(f"{live_server.url}/enquete/{enquete_uitnodiging.token}/")
    # Tab enters a radio group, the arrow keys choose within it, Space checks the focused one.
    tab_naar(page, "id_rapportcijfer_0")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#id_rapportcijfer_6")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#id_rapportcijfer_6")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_toelichting")).to_be_focused()
    page.keyboard.type("Vlot geholpen.")
    tab_naar(page, "id_nps_score_0")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.locator("#id_nps_score_10")).to_be_checked()
    tab_naar(page, "id_verbetertips")
    page.keyboard.press("Tab")  # the link to the complaint form
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Verstuur mijn antwoorden")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw antwoorden")


def foutlinks_controleren(page: Page, naam: str) -> int:
    """Every link in the error summary goes to an existing field (a group of radio buttons: its
    first option), moves the focus there, and the field (or its group) names the error text in
    aria-describedby. Returns the number of links checked."""
    links = page.locator("#foutsamenvatting a")
    assert links.count(), f"{naam}: the error summary links to no field"
    for i in range(links.count()):
        link = links.nth(i)
        doel = link.get_attribute("href")
        assert re.fullmatch(r"#[A-Za-z][\w-]*", doel), f"{naam}: link to {doel!r}"
        veld = page.locator(doel)
        expect(veld).to_have_count(1)
        info = veld.evaluate(
            """(e) => {
                const keuzes = document.getElementsByName(e.name);
                const inGroep = ["radio", "checkbox"].includes(e.type) && keuzes.length > 1;
                const groep = inGroep ? e.closest("fieldset") : e;
                const ids = (groep.getAttribute("aria-describedby") || "").split(/\\s+/);
                const fouten = ids.map((id) => document.getElementById(id))
                    .filter((x) => x && x.classList.contains("foutmelding"));
                return {
                    tag: e.tagName.toLowerCase(),
                    eerste_keuze: !inGroep || keuzes[0] === e,
                    fouten: fouten.map((x) => x.textContent.trim()),
                };
            }"""
        )
        assert info["tag"] in {"input", "select", "textarea"}, f"{naam}: {doel} is no field"
        assert info["eerste_keuze"], f"{naam}: {doel} is not the first option of its group"
        assert info["fouten"], f"{naam}: {doel} names no error text in aria-describedby"
        linktekst = link.inner_text()
        assert any(fout.split("\n")[0] in linktekst for fout in info["fouten"]), (
            f"{naam}: link {linktekst!r} and the error at the field {info['fouten']} differ"
        )
        link.click()
        expect(veld).to_be_focused()
    return links.count()


def test_foutsamenvatting_linkt_naar_de_velden_van_publieke_formulieren(
    page: Page, live_server, e2e_dossiers, enquete_uitnodiging
):
    url = live_server.url
    page.goto(f"{url}/klacht/")
    page.get_by_role("button", name="Klacht versturen").click()
    assert foutlinks_controleren(page, "klachtformulier") == 5

    page.goto(f"{url}/enquete/{enquete_uitnodiging.token}/")
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    assert foutlinks_controleren(page, "enquete") == 2

    page.goto(f"{url}/klacht/link-kwijt/")
    page.get_by_role("button", name="Stuur de link").click()
    assert foutlinks_controleren(page, "link kwijt") == 1  # the dossiernummer is optional

    page.goto(url + pad_van(klacht_status_url(e2e_dossiers["onderzoek_te_laat"])))
    page.get_by_role("button", name="Toevoegen").click()
    assert foutlinks_controleren(page, "aanvullen") == 1

    page.goto(url + pad_van(klacht_status_url(e2e_dossiers["beantwoord"])))
    page.get_by_role("button", name="Heroverweging aanvragen").click()
    assert foutlinks_controleren(page, "heroverweging") == 1


def test_foutsamenvatting_linkt_naar_de_velden_van_medewerkersformulieren(
    page: Page, live_server, e2e_dossiers, e2e_behandelaar
):
    inloggen(page, live_server, e2e_behandelaar.username)
    page.goto(f"{live_server.url}/medewerker/klachten/nieuw/")
    page.get_by_role("button", name="Registreren").click()
    assert foutlinks_controleren(page, "klacht registreren") >= 4
    dossier = e2e_dossiers["onderzoek_te_laat"].dossiernummer
    page.goto(f"{live_server.url}/medewerker/klachten/{dossier}/opschorten/")
    page.locator("form.formulier button[type=submit]").click()
    assert foutlinks_controleren(page, "opschorten") >= 1
    # Focus is visible on the dark staff header too.
    page.goto(f"{live_server.url}/medewerker/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('nav') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('nav') !== null")
    focus_zichtbaar(page, "hoofdmenu")


ZICHTBARE_FOCUS = """(e) => {
    // A visually hidden radio button shows its focus on the box beside it.
    const doel = e.type === "radio" && e.nextElementSibling ? e.nextElementSibling : e;
    const stijl = getComputedStyle(doel);
    return {
        outline: stijl.outlineStyle !== "none" && parseFloat(stijl.outlineWidth) > 0,
        schaduw: stijl.boxShadow !== "none",
        beschrijving: `${stijl.outlineStyle} ${stijl.outlineWidth} / ${stijl.boxShadow}`,
    };
}"""


def focus_zichtbaar(page: Page, naam: str) -> None:
    focus = page.evaluate_handle("document.activeElement")
    stijl = focus.evaluate(ZICHTBARE_FOCUS)
    beschrijving = focus.evaluate("(e) => e.outerHTML.slice(0, 80)")
    assert stijl["outline"] or stijl["schaduw"], (
        f"{naam}: no visible focus on {beschrijving} ({stijl['beschrijving']})"
    )


def test_focus_is_zichtbaar_op_links_knoppen_en_velden(
    page: Page, live_server, e2e_label, e2e_categorie, enquete_uitnodiging
):
    page.goto(f"{live_server.url}/klacht/")
    page.keyboard.press("Tab")
    focus_zichtbaar(page, "skiplink")
    tab_naar(page, "taal")
    focus_zichtbaar(page, "taalkeuze (select)")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Wijzig taal")).to_be_focused()
    focus_zichtbaar(page, "knop Wijzig taal")
    tab_naar(page, "id_klant_naam")
    focus_zichtbaar(page, "tekstveld")
    tab_naar(page, "id_omschrijving")
    focus_zichtbaar(page, "tekstvak")
    tab_naar(page, "id_privacy_akkoord")
    focus_zichtbaar(page, "vinkje")
    page.keyboard.press("Tab")
    focus_zichtbaar(page, "knop Klacht versturen")
    for _ in range(3):  # into the footer: its links
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "A":
            break
    assert page.evaluate("document.activeElement.tagName") == "A"
    focus_zichtbaar(page, "link in de voet")

    page.goto(f"{live_server.url}/enquete/{enquete_uitnodiging.token}/")
    tab_naar(page, "id_rapportcijfer_0")
    focus_zichtbaar(page, "rapportcijfer (radio)")
