"""The outbox: messages to customers (and notices to staff), composed from templates, written in
the transaction of the change that causes them, delivered after commit (DESIGN.md section 5,
"mail that is never lost").

Every message is a `Bericht` row (the models Bericht, Berichtsjabloon and BerichtStatus stay in
klachten.models); a Celery task delivers it after commit, with retries and back-off, and a
periodic sweep sends what is still pending.

What the apps may call (`from klachten import berichten`; the submodules are the outbox's own):

- declaring kinds of message: `soorten_registreren` (from an AppConfig.ready: the kinds, which
  of them are internal, and the folder of their default templates), `soort_keuzes` (the choices
  of the `soort` fields), `is_intern`, `interne_soorten`, `standaardjablonen`,
  `berichtsjablonen_inrichten`;
- composing: `bericht_opstellen` (about a complaint: `bericht_samenstellen`, the parts in their
  fixed order, issue 18), `vrije_tekst_voorstel` (what the handler's editor starts with),
  `volgende_stap`, `termijn_tekst`, `tekst_opstellen` (any message),
  `ondertekening`, `datum_tekst`, `klacht_status_url`, `dossier_url`, `eenvoudige_taal` (the
  plain-language version for a message form), `adres_onbewezen`;
- reading a message's subject and text: `onderwerp_van`, `tekst_van`, `samengesteld` (the automatic
  acknowledgement is composed by the worker just before it is sent: until then these compose
  it on reading; uitgesteld), `alle_samenstellen` (store them, for the demo);
- sending: `bericht_versturen`, `behandelaar_melden`, `medewerker_melden`, `bijlage_bewaren`;
  `bericht_in_wachtrij` is the one place a written message is handed to the broker (the demo
  holds it back for messages it marks as sent);
- delivery and the sweep, for the tasks, the command and the fault tests: `bericht_afleveren`,
  `openstaande_berichten_verzenden` (`SweepResult`), `afleverfout_indelen`, `message_id`,
  `antwoordadres`, `terugval`, `wachttijd_sweep`;
- inbound e-mail (the subpackage inkomend): `inkomend_opslaan` (store the raw message first),
  `inkomend_verwerken` (classify, thread, land: once), `inkomend_ontvangen` (both),
  `openstaande_inkomende_verwerken` (what a crash left unprocessed), `onze_berichten` (our
  messages by Message-ID), and the sources `map_lezen`, `bestand_importeren`,
  `mailbox_lezen`, `mailboxen_lezen`.

Modules: soorten (the registry of kinds), opstellen (composing), uitgesteld (composed by the
worker), versturen (writing and queueing), afleveren (delivering, sorting failures, back-off), sweep, tasks (Celery), brieven
(letters by post: a message to a customer who gets post waits in the print tray, te_printen,
and is printed as a PDF letter; issue 18).
"""

from klachten.berichten.afleveren import (
    afleverfout_indelen,
    antwoordadres,
    bericht_afleveren,
    message_id,
    terugval,
)
from klachten.berichten.inkomend.bronnen import Leesronde, bestand_importeren, map_lezen
from klachten.berichten.inkomend.imap import mailbox_lezen, mailboxen_lezen
from klachten.berichten.inkomend.verwerken import ontvangen as inkomend_ontvangen
from klachten.berichten.inkomend.verwerken import onze_berichten
from klachten.berichten.inkomend.verwerken import (
    openstaande_verwerken as openstaande_inkomende_verwerken,
)
from klachten.berichten.inkomend.verwerken import opslaan as inkomend_opslaan
from klachten.berichten.inkomend.verwerken import verwerken as inkomend_verwerken
from klachten.berichten.opstellen import (
    adres_onbewezen,
    bericht_opstellen,
    datum_tekst,
    dossier_url,
    eenvoudige_taal,
    klacht_status_url,
    ondertekening,
    tekst_opstellen,
)
from klachten.berichten.samenstellen import (
    bericht_samenstellen,
    in_eenvoudige_taal,
    termijn_tekst,
    volgende_stap,
    vrije_tekst_voorstel,
)
from klachten.berichten.soorten import (
    EENVOUDIG,
    berichtsjablonen_inrichten,
    interne_soorten,
    is_intern,
    soort_keuzes,
    soorten_registreren,
    standaardjablonen,
)
from klachten.berichten.sweep import SweepResult, openstaande_berichten_verzenden, wachttijd_sweep
from klachten.berichten.uitgesteld import alle_samenstellen, onderwerp_van, samengesteld, tekst_van
from klachten.berichten.versturen import (
    behandelaar_melden,
    bericht_in_wachtrij,
    bericht_versturen,
    bijlage_bewaren,
    medewerker_melden,
    medewerkers_melden,
)

__all__ = [
    "EENVOUDIG",
    "Leesronde",
    "SweepResult",
    "adres_onbewezen",
    "afleverfout_indelen",
    "alle_samenstellen",
    "antwoordadres",
    "behandelaar_melden",
    "bericht_afleveren",
    "bericht_in_wachtrij",
    "bericht_opstellen",
    "bericht_samenstellen",
    "bericht_versturen",
    "berichtsjablonen_inrichten",
    "bestand_importeren",
    "bijlage_bewaren",
    "datum_tekst",
    "dossier_url",
    "eenvoudige_taal",
    "in_eenvoudige_taal",
    "inkomend_ontvangen",
    "inkomend_opslaan",
    "inkomend_verwerken",
    "interne_soorten",
    "is_intern",
    "klacht_status_url",
    "mailbox_lezen",
    "mailboxen_lezen",
    "map_lezen",
    "medewerker_melden",
    "medewerkers_melden",
    "message_id",
    "ondertekening",
    "onderwerp_van",
    "onze_berichten",
    "openstaande_berichten_verzenden",
    "openstaande_inkomende_verwerken",
    "samengesteld",
    "soort_keuzes",
    "soorten_registreren",
    "standaardjablonen",
    "tekst_opstellen",
    "tekst_van",
    "termijn_tekst",
    "terugval",
    "volgende_stap",
    "vrije_tekst_voorstel",
    "wachttijd_sweep",
]
