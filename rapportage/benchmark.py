"""Benchmark of the report pages at scale (issue Rapportage, acceptance 5: "with 1,000,000
complaints, the month report page and the yearly report render in under 1 second each"). Not a test.

Fills a scratch PostgreSQL database (its name must contain "benchmark") with complaints over 5
years (default 1,000,000, about 100,000 of them open) with INSERT ... SELECT over generate_series:
two labels, ten afdelingen, twelve categorieën, every kanaal; each complaint with its timeline
(the ontvangen and status Gebeurtenis rows up to its closing, a reopening for some, plus the
assignment, messages and notes a real dossier has), oordeel and is_ontvankelijk, how its deadlines
ended (Termijnafloop, about 90% on time) and, for some, a procedure at an external body. The survey
tables (klanttevredenheid_benchmark) are kept, or filled when empty. Then it times:

- `maandrapporten_vastleggen` catching up every finished month (per month: min/median/max);
- the month report page (running month, live; a stored month; a teamleider's), the yearly report
  of last year (draft, from the snapshots; published, and the public page) and the exports of a
  stored month, through Django's test Client: one warm-up, then the median of `--runs` GETs;
- the month page and the yearly report before any month was stored (one GET each: the first day
  after importing history, or when beat did not run);

counts each page's queries, prints the time of every query of `bouwstenen()` for the running month
with the EXPLAIN ANALYZE plans of the slowest, and writes it all as JSON with `--json`.

    createdb -h 127.0.0.1 -U postgres klachten_benchmark
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/klachten_benchmark
    python manage.py migrate
    python manage.py rapportage_benchmark [--hergebruik] [--runs 5] [--json var/rapportage.json]
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import bulkladen, kalender, rollen
from klachten import services as klachten_services
from klachten.models import (
    Afdeling,
    Bericht,
    Bijlage,
    Categorie,
    Doorverwijzing,
    ExterneInstantie,
    ExterneProcedure,
    Gebeurtenis,
    Inzage,
    Klacht,
    Kwetsbaarheidssignaal,
    Label,
    Leermoment,
    Medewerker,
    SociaalBericht,
    Termijnafloop,
    Termijnsignaal,
    Termijnwijziging,
    Triagesuggestie,
    Verbeterpunt,
)
from klanttevredenheid.benchmark import KlanttevredenheidBenchmark
from klanttevredenheid.models import Respons
from rapportage import maandrapport, services
from rapportage.models import (
    Dossierreview,
    Jaarrapport,
    Maandrapport,
    Productreview,
    Werkgroepoverleg,
)

GRENS = 1.0  # seconds (acceptance 5)
LABELS = (("bm-zorg", "Benchmark Zorg"), ("bm-schade", "Benchmark Schade"))  # as the KTO benchmark
AFDELINGEN = 10  # bm-0 .. bm-9, as the KTO benchmark, so the survey figures fall in the same rows
CATEGORIEEN = (
    "Declaratie",
    "Premie en incasso",
    "Communicatie",
    "Bejegening",
    "Wachttijd",
    "Polisvoorwaarden",
    "Schadeafhandeling",
    "Machtiging",
    "Website en app",
    "Privacy",
    "Vergoeding",
    "Overig",
)
BEHANDELAARS = 40


def _datum(kolom: str) -> str:
    """SQL: the Europe/Amsterdam date of a timestamptz column."""
    return f"(({kolom}) AT TIME ZONE 'Europe/Amsterdam')::date"


def _tot_nu(dagen: str) -> str:
    """SQL: ontvangen_op + `dagen` days, when that moment has passed (else NULL)."""
    moment = f"ontvangen_op + ({dagen}) * interval '1 day'"
    return f"CASE WHEN {moment} <= %(nu)s THEN {moment} END"


# One row per complaint with its random draws and the moments of its life, cut off at now: what
# happened after now did not happen yet, so a complaint's state is that of its last moment.
PLAN_SQL = f"""
CREATE TEMP TABLE bm_plan AS
WITH basis AS (
    SELECT i,
        %(start)s::timestamptz + random() * (%(nu)s::timestamptz - %(start)s::timestamptz)
            AS ontvangen_op,
        random() AS r_label, random() AS r_cat, random() AS r_afd, random() AS r_afd2,
        random() AS r_kanaal, random() AS r_soort, random() AS r_ack, random() AS r_ack2,
        random() AS r_ond, random() AS r_antw, random() AS r_antw2, random() AS r_sluit,
        random() AS r_herov, random() AS r_herov2, random() AS r_heropen, random() AS r_heropen2,
        random() AS r_heropen3, random() AS r_oordeel, random() AS r_vast, random() AS r_beh,
        random() AS r_urg, random() AS r_notitie, random() AS r_extern
    FROM generate_series(1, %(aantal)s) AS i
),
soort AS (
    SELECT b.*,
        CASE WHEN r_soort < 0.15 THEN 'direct'
             WHEN r_soort < 0.20 THEN 'niet_ontvankelijk'
             ELSE 'normaal' END AS soort,
        extract(epoch FROM %(nu)s::timestamptz - ontvangen_op)::float8 / 86400 AS leeftijd
    FROM basis b
),
dagen AS (
    SELECT s.*,
        -- acknowledged within the 8 days: 92 in 100
        CASE WHEN soort = 'direct' THEN NULL
             WHEN r_ack < 0.92 THEN r_ack2 * 7.5 ELSE 9 + r_ack2 * 6 END AS ack_d,
        soort = 'normaal' AND r_herov < 0.04 AS herov,
        soort = 'normaal' AND r_herov >= 0.04 AND r_heropen < 0.03 AS heropen,
        -- still under investigation now: more of the recent ones (about 100,000 open in all)
        soort = 'normaal' AND leeftijd < 548 AND r_vast < %(vast)s * (1 - leeftijd / 548) AS vast
    FROM soort s
),
onderzoek AS (
    SELECT d.*, CASE WHEN soort = 'normaal' THEN ack_d + 0.5 + r_ond * 4 END AS ond_d
    FROM dagen d
),
antwoord AS (
    SELECT o.*,
        -- answered within the 42 days: 88 in 100
        CASE WHEN soort <> 'normaal' OR vast THEN NULL
             WHEN r_antw < 0.88 THEN greatest(ond_d + 1, 5 + r_antw2 * 36)
             ELSE 43 + r_antw2 * 50 END AS antw_d
    FROM onderzoek o
),
sluiting AS (
    SELECT a.*,
        CASE WHEN herov THEN antw_d + 5 + r_herov2 * 15 END AS herov_d,
        CASE soort
            WHEN 'direct' THEN 0
            WHEN 'niet_ontvankelijk' THEN ack_d + 1 + r_sluit * 12
            ELSE CASE WHEN herov THEN antw_d + 30 + r_herov2 * 15 + r_sluit * 45
                      ELSE antw_d + r_sluit * 14 END
        END AS sluit1_d
    FROM antwoord a
),
heropening AS (
    -- reopened 0.5 to 60 days after closing (a part within the same month), closed again
    SELECT s.*, CASE WHEN heropen THEN sluit1_d + 0.5 + r_heropen2 * 60 END AS heropen_d
    FROM sluiting s
),
tweede_antwoord AS (
    SELECT h.*, heropen_d + 5 + r_heropen3 * 20 AS antw2_d FROM heropening h
),
momenten AS (
    SELECT t.*,
        {_tot_nu("ack_d")} AS t_ack,
        {_tot_nu("ond_d")} AS t_ond,
        {_tot_nu("antw_d")} AS t_antw,
        {_tot_nu("herov_d")} AS t_herov,
        {_tot_nu("sluit1_d")} AS t_sluit1,
        {_tot_nu("heropen_d")} AS t_heropen,
        {_tot_nu("antw2_d")} AS t_antw2,
        {_tot_nu("antw2_d + r_sluit * 4")} AS t_sluit2
    FROM tweede_antwoord t
),
stand AS (
    SELECT m.*,
        CASE WHEN t_sluit2 IS NOT NULL THEN 'afgesloten'
             WHEN t_antw2 IS NOT NULL THEN 'beantwoord'
             WHEN t_heropen IS NOT NULL THEN 'in_onderzoek'
             WHEN t_sluit1 IS NOT NULL THEN 'afgesloten'
             WHEN t_herov IS NOT NULL THEN 'in_heroverweging'
             WHEN t_antw IS NOT NULL THEN 'beantwoord'
             WHEN t_ond IS NOT NULL THEN 'in_onderzoek'
             WHEN t_ack IS NOT NULL THEN 'ontvangst_bevestigd'
             ELSE 'ontvangen' END AS status,
        1 + floor(power(r_cat, 1.4) * %(n_cat)s)::int AS k
    FROM momenten m
)
SELECT
    row_number() OVER (ORDER BY ontvangen_op, i) AS id,
    'KL-' || extract(year FROM ontvangen_op AT TIME ZONE 'Europe/Amsterdam')::int || '-'
        || lpad(row_number() OVER (
            PARTITION BY extract(year FROM ontvangen_op AT TIME ZONE 'Europe/Amsterdam')
            ORDER BY ontvangen_op, i)::text, 6, '0') AS dossiernummer,
    ontvangen_op, {_datum("ontvangen_op")} AS ont_datum, soort, status,
    (%(labels)s::bigint[])[CASE WHEN r_label < 0.7 THEN 1 ELSE 2 END] AS label_id,
    (%(categorieen)s::bigint[])[k] AS categorie_id,
    CASE WHEN r_afd < 0.9 THEN (%(categorie_afdeling)s::bigint[])[k]
         ELSE (%(afdelingen)s::bigint[])[1 + floor(r_afd2 * %(n_afd)s)::int] END AS afdeling_id,
    (%(behandelaars)s::bigint[])[1 + floor(r_beh * %(n_beh)s)::int] AS behandelaar_id,
    CASE WHEN soort = 'direct' AND r_kanaal < 0.8 THEN 'telefoon'
         WHEN r_kanaal < 0.40 THEN 'webformulier'
         WHEN r_kanaal < 0.70 THEN 'telefoon'
         WHEN r_kanaal < 0.85 THEN 'e-mail'
         WHEN r_kanaal < 0.90 THEN 'brief'
         WHEN r_kanaal < 0.93 THEN 'social media'
         WHEN r_kanaal < 0.95 THEN 'kto'
         WHEN r_kanaal < 0.97 THEN 'medewerker'
         WHEN r_kanaal < 0.985 THEN 'chat'
         ELSE 'balie' END AS kanaal,
    CASE WHEN r_urg < 0.05 THEN 'hoog' ELSE 'normaal' END AS urgentie,
    CASE WHEN soort = 'normaal' AND t_antw IS NOT NULL THEN
        CASE WHEN r_oordeel < 0.25 THEN 'gegrond'
             WHEN r_oordeel < 0.45 THEN 'deels_gegrond'
             WHEN r_oordeel < 0.90 THEN 'ongegrond'
             ELSE 'niet_te_beoordelen' END
    ELSE '' END AS oordeel,
    CASE WHEN t_ond IS NOT NULL THEN floor(
        extract(epoch FROM coalesce(t_antw, %(nu)s::timestamptz) - t_ond)::float8 / (21 * 86400)
    )::int ELSE 0 END AS n_su,
    t_ack, t_ond, t_antw, t_herov, t_sluit1, t_heropen, t_antw2, t_sluit2, r_notitie, r_extern
FROM stand
"""

# Customers' names as a search meets them (issue 20): first names and surnames drawn apart, so
# that a whole name matches a few dozen of 1,000,000 complaints, a common surname a few thousand
# and no word all of them (the earlier "Klant <number>" made "klant" match every row).
_VOORNAMEN = (
    "Jan Piet Kees Henk Bram Daan Sem Lucas Milan Levi Noah Finn Luuk Jesse Thijs Ruben Tim "
    "Lars Anna Emma Julia Sophie Tess Sara Fenna Lotte Eva Lisa Noor Mila Saar Zoë Fleur Maud "
    "Ilse Mohamed Ahmed Youssef Fatima Aisha Yasmina Ayoub Bilal Imane Salma Kevin Mark Sandra "
    "Linda Monique Petra Marieke Wouter Joris Sven Gijs Koen Willem Hendrik Johanna Cornelia "
    "Maria Ria Wei Li Chen Mei Ling Raj Priya Arjun Deepa Kwame Ama Kofi Esi Marco Giulia "
    "Tomasz Agnieszka"
)
_ACHTERNAMEN = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|"
    "Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|"
    "de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|"
    "van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|van Beek|Willems|"
    "van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|Blom|"
    "Huisman|Peeters|Maes|Claes|Goossens|Wouters|De Smet|Dubois|Lambert|Mertens|Willaert|"
    "Vandenberghe|El Amrani|Bouzid|Yilmaz|Kaya|Demir|Öztürk|Şahin|Çelik|Nguyen|Tran|Wang|Zhang|"
    "Liu|Wu|Li|Singh|Patel|Kumar|Mensah|Boateng|Kowalski|Nowak|Rossi|Ferrari|Santos|Pereira|"
    "Silva|Rahman|Hossain|Aydin|Arslan|Ramdin|Soekhlal|Pinas|Wijngaarde|Kromodimedjo|Sastro|"
    "van Rijn|Kuipers|Veenstra|Post|Kramer|van Wijk|Kuijpers|Schipper|Postma|Bosch|Evers|"
    "Martens|van Dongen|Timmermans|van Loon|Boersma|Groen|Gerritsen|Koning|Sanders|Hermans|"
    "Wijnen|Hoogland|Zwart|Molenaar|Mol|Stam|Kuiper|Bosman|Wolters|Scholten|Lammers|Ververs|"
    "Heemskerk|Oosterhuis|Roelofs|Span|Terpstra|Westra|Zijlstra|Haaksma|Bakkum|Rietveld"
)
VOORNAMEN = _VOORNAMEN.split()
ACHTERNAMEN = _ACHTERNAMEN.split("|")
NAAM_SQL = (
    f"(%(voornamen)s::text[])[1 + mod(p.id * 7919, {len(VOORNAMEN)})] || ' ' || "
    f"(%(achternamen)s::text[])[1 + mod(p.id * 104729, {len(ACHTERNAMEN)})]"
)

OPEN_WAAR_ANTWOORD_LOOPT = "('ontvangen', 'ontvangst_bevestigd', 'in_onderzoek')"

# The complaints with their running deadlines stored as the workflow stores them.
KLACHT_SQL = f"""
INSERT INTO klachten_klacht (
    id, dossiernummer, status, kanaal, ontvangen_op, taal, klant_naam, klant_email,
    klant_telefoon, polisnummer, urgentie, omschrijving, gewenste_oplossing, direct_opgelost,
    oplossing, status_token, privacy_akkoord_op, ontvangstbevestiging_uiterlijk_datum,
    ontvangst_bevestigd_op, afgesloten_op, created_at, updated_at, afdeling_id, behandelaar_id,
    categorie_id, label_id, antwoord_uiterlijk_datum, beantwoord_op, definitief_standpunt_op,
    heroverweging_gevraagd_op, heroverweging_uiterlijk_datum, is_ontvankelijk,
    laatste_klantcontact_op, oordeel, statusupdate_uiterlijk_datum, versie,
    volgende_termijn_datum, behandeling_hervat_op, kifid_alarm_datum, klant_postadres,
    medewerker_gesprek_samenvatting
)
SELECT
    p.id, p.dossiernummer, p.status, p.kanaal, p.ontvangen_op, 'nl', n.naam,
    lower(replace(n.naam, ' ', '.')) || mod(p.id * 7919, 1000) || '@example.nl', '', '', p.urgentie,
    'Benchmarkklacht', '', p.soort = 'direct',
    CASE WHEN p.soort = 'direct' THEN 'Aan de telefoon opgelost.' ELSE '' END,
    md5(p.id::text) || md5((p.id * 7)::text),
    CASE WHEN p.kanaal = 'webformulier' THEN p.ontvangen_op END,
    CASE WHEN p.soort <> 'direct' THEN p.ont_datum + 8 END,
    p.t_ack,
    CASE WHEN p.status = 'afgesloten' THEN coalesce(p.t_sluit2, p.t_sluit1) END,
    p.ontvangen_op,
    greatest(p.ontvangen_op, p.t_ack, p.t_ond, p.t_antw, p.t_herov, p.t_sluit1, p.t_heropen,
             p.t_antw2, p.t_sluit2),
    p.afdeling_id, CASE WHEN p.t_ack IS NOT NULL THEN p.behandelaar_id END, p.categorie_id,
    p.label_id, l.antwoord, coalesce(p.t_antw2, p.t_antw),
    CASE WHEN p.t_herov IS NOT NULL THEN p.t_sluit1 ELSE coalesce(p.t_antw2, p.t_antw) END,
    p.t_herov, l.heroverweging,
    CASE WHEN p.soort = 'niet_ontvankelijk' AND p.t_sluit1 IS NOT NULL THEN false
         WHEN p.t_ond IS NOT NULL THEN true END,
    greatest(p.t_ack, p.t_antw, p.t_antw2, p.t_sluit1, p.t_sluit2),
    p.oordeel, l.statusupdate,
    1 + (p.t_ack IS NOT NULL)::int + (p.t_ond IS NOT NULL)::int + (p.t_antw IS NOT NULL)::int
      + (p.t_herov IS NOT NULL)::int + (p.t_sluit1 IS NOT NULL)::int
      + (p.t_heropen IS NOT NULL)::int + (p.t_antw2 IS NOT NULL)::int
      + (p.t_sluit2 IS NOT NULL)::int,
    least(l.ontvangstbevestiging, l.antwoord, l.statusupdate, l.heroverweging, l.kifid),
    coalesce(p.t_heropen, p.t_herov), l.kifid, '', ''
FROM bm_plan p
CROSS JOIN LATERAL (
    SELECT {NAAM_SQL} AS naam
) n
CROSS JOIN LATERAL (
    SELECT
        CASE WHEN p.status = 'ontvangen' THEN p.ont_datum + 8 END AS ontvangstbevestiging,
        CASE WHEN p.status IN {OPEN_WAAR_ANTWOORD_LOOPT}
             THEN coalesce({_datum("p.t_heropen")} + 42, p.ont_datum + 42) END AS antwoord,
        CASE WHEN p.status = 'in_onderzoek' AND p.t_heropen IS NOT NULL
                THEN {_datum("p.t_heropen")} + 21
             WHEN p.status = 'in_onderzoek' THEN {_datum("p.t_ond")} + 21 * (p.n_su + 1)
             WHEN p.status = 'in_heroverweging' THEN {_datum("p.t_herov")} + 21 END
            AS statusupdate,
        CASE WHEN p.status = 'in_heroverweging' THEN {_datum("p.t_herov")} + 42 END
            AS heroverweging,
        CASE WHEN p.status IN {OPEN_WAAR_ANTWOORD_LOOPT} AND p.t_antw IS NULL
             THEN p.ont_datum + 56 END AS kifid
) l
ORDER BY p.id
"""

# The numbering continues after the highest dossiernummer of each year.
DOSSIERNUMMERREEKS_SQL = """
INSERT INTO klachten_dossiernummerreeks (jaar, laatste_nummer)
SELECT split_part(dossiernummer, '-', 2)::int, max(split_part(dossiernummer, '-', 3)::int)
FROM klachten_klacht GROUP BY 1
ON CONFLICT (jaar) DO UPDATE SET laatste_nummer = excluded.laatste_nummer
"""

# How each deadline ended, as services._termijnaflopen_vastleggen writes it: on time when met on
# or before its date; a statusupdate every 21 days while under investigation (90% on time).
TERMIJNAFLOOP_SQL = f"""
INSERT INTO klachten_termijnafloop (klacht_id, termijn, uiterlijk_datum, afgerond_op, op_tijd)
SELECT klacht_id, termijn, uiterlijk, afgerond, {_datum("afgerond")} <= uiterlijk
FROM (
    SELECT id AS klacht_id, 'ontvangstbevestiging' AS termijn, ont_datum + 8 AS uiterlijk,
        t_ack AS afgerond
    FROM bm_plan WHERE t_ack IS NOT NULL
    UNION ALL
    SELECT id, 'antwoord', ont_datum + 42, t_antw FROM bm_plan WHERE t_antw IS NOT NULL
    UNION ALL
    SELECT id, 'antwoord', ont_datum + 42, t_sluit1
    FROM bm_plan WHERE soort = 'niet_ontvankelijk' AND t_sluit1 IS NOT NULL
    UNION ALL
    SELECT id, 'antwoord', {_datum("t_heropen")} + 42, t_antw2
    FROM bm_plan WHERE t_antw2 IS NOT NULL
    UNION ALL
    SELECT id, 'heroverweging', {_datum("t_herov")} + 42, t_sluit1
    FROM bm_plan WHERE t_herov IS NOT NULL AND t_sluit1 IS NOT NULL
    UNION ALL
    SELECT p.id, 'statusupdate', {_datum("p.t_ond")} + 21 * j, s.op
    FROM bm_plan p
    CROSS JOIN LATERAL generate_series(1, p.n_su) AS j
    CROSS JOIN LATERAL (
        SELECT CASE WHEN random() < 0.9
            THEN p.t_ond + (21 * j - 3 * random()) * interval '1 day'
            ELSE least(p.t_ond + (21 * j + 1 + 4 * random()) * interval '1 day',
                       coalesce(p.t_antw, %(nu)s::timestamptz))
        END AS op
    ) s
    WHERE p.n_su > 0
    UNION ALL
    SELECT id, 'statusupdate', {_datum("t_ond")} + 21 * (n_su + 1), t_antw
    FROM bm_plan WHERE t_antw IS NOT NULL AND t_ond IS NOT NULL
) a
ORDER BY afgerond
"""

# The messages to the customer, sent: the acknowledgement, every statusupdate, the answers (and the
# answer to a reconsideration), as the outbox keeps them; the timeline points at them.
BERICHT_SQL = """
INSERT INTO klachten_bericht (
    klacht_id, label_id, soort, aan, onderwerp, tekst, status, pogingen, laatste_fout,
    verzonden_op, verstuurd_door_id, bijlage, bijlage_naam, in_reply_to, "references", created_at,
    per_post, samenstellen_in
)
SELECT b.klacht_id, p.label_id, b.soort, 'klant' || mod(p.id * 7919, 600000) || '@example.nl',
    'Uw klacht ' || p.dossiernummer, %(berichttekst)s || p.dossiernummer || '.', 'verzonden', 1, '',
    b.op, CASE WHEN b.soort <> 'statusupdate' THEN p.behandelaar_id END, '', '', '', '', b.op,
    false, ''
FROM (
    SELECT id AS klacht_id, 'ontvangstbevestiging' AS soort, t_ack AS op
    FROM bm_plan WHERE t_ack IS NOT NULL
    UNION ALL
    SELECT id, 'antwoord', t_antw FROM bm_plan WHERE t_antw IS NOT NULL
    UNION ALL
    SELECT id, 'antwoord', t_antw2 FROM bm_plan WHERE t_antw2 IS NOT NULL
    UNION ALL
    SELECT id, 'heroverweging_antwoord', t_sluit1
    FROM bm_plan WHERE t_herov IS NOT NULL AND t_sluit1 IS NOT NULL
    UNION ALL
    SELECT a.klacht_id, 'statusupdate', a.afgerond_op
    FROM klachten_termijnafloop a JOIN bm_plan q ON q.id = a.klacht_id
    WHERE a.termijn = 'statusupdate' AND a.afgerond_op IS DISTINCT FROM q.t_antw
) b
JOIN bm_plan p ON p.id = b.klacht_id
ORDER BY b.op
"""

BERICHTTEKST = (
    "Geachte klant,\n\nWij hebben uw klacht ontvangen en behandelen die zorgvuldig. In dit bericht "
    "leest u wat wij hebben gedaan, wat de uitkomst is en wat u kunt doen als u het er niet mee "
    "eens bent. Heeft u vragen? Bel ons of reageer via de link naar uw dossier.\n\n"
    "Met vriendelijke groet,\nKlachtenservice\n\nDossier "
)

# The timeline in the order it was written: every state change (the reports read these), and the
# assignment, messages and notes around them that a real dossier has as well.
GEBEURTENIS_SQL = """
INSERT INTO klachten_gebeurtenis (
    klacht_id, soort, tekst, van_status, naar_status, door_id, door_klant, bericht_id, op
)
SELECT klacht_id, soort, '', van, naar, door, door_klant, bericht_id, op
FROM (
    SELECT id AS klacht_id, 'ontvangen' AS soort, '' AS van,
        CASE WHEN soort = 'direct' THEN 'afgesloten' ELSE 'ontvangen' END AS naar,
        CASE WHEN kanaal <> 'webformulier' THEN behandelaar_id END AS door,
        kanaal = 'webformulier' AS door_klant, ontvangen_op AS op, NULL::bigint AS bericht_id
    FROM bm_plan
    UNION ALL
    SELECT id, 'status', 'ontvangen', 'ontvangst_bevestigd', behandelaar_id, false, t_ack, NULL
    FROM bm_plan WHERE t_ack IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'ontvangst_bevestigd', 'in_onderzoek', behandelaar_id, false, t_ond, NULL
    FROM bm_plan WHERE t_ond IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'ontvangst_bevestigd', 'afgesloten', behandelaar_id, false, t_sluit1, NULL
    FROM bm_plan WHERE soort = 'niet_ontvankelijk' AND t_sluit1 IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'in_onderzoek', 'beantwoord', behandelaar_id, false, t_antw, NULL
    FROM bm_plan WHERE t_antw IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'beantwoord', 'in_heroverweging', NULL, true, t_herov, NULL
    FROM bm_plan WHERE t_herov IS NOT NULL
    UNION ALL
    SELECT id, 'status', CASE WHEN t_herov IS NULL THEN 'beantwoord' ELSE 'in_heroverweging' END,
        'afgesloten', behandelaar_id, false, t_sluit1, NULL
    FROM bm_plan WHERE soort = 'normaal' AND t_sluit1 IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'afgesloten', 'in_onderzoek', behandelaar_id, false, t_heropen, NULL
    FROM bm_plan WHERE t_heropen IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'in_onderzoek', 'beantwoord', behandelaar_id, false, t_antw2, NULL
    FROM bm_plan WHERE t_antw2 IS NOT NULL
    UNION ALL
    SELECT id, 'status', 'beantwoord', 'afgesloten', behandelaar_id, false, t_sluit2, NULL
    FROM bm_plan WHERE t_sluit2 IS NOT NULL
    UNION ALL
    SELECT id, 'toewijzing', '', '', behandelaar_id, false, ontvangen_op + interval '20 minutes', NULL
    FROM bm_plan WHERE soort <> 'direct' AND ontvangen_op + interval '20 minutes' <= %(nu)s
    UNION ALL
    SELECT klacht_id, 'bericht', '', '', verstuurd_door_id, false, verzonden_op, id
    FROM klachten_bericht
    UNION ALL
    SELECT id, 'notitie', '', '', behandelaar_id, false, t_ond + interval '2 days', NULL
    FROM bm_plan WHERE r_notitie < 0.5 AND t_ond + interval '2 days' <= %(nu)s
) g
ORDER BY op
"""

# The history (django-simple-history) a dossier shows field changes from: one version per state
# change, as each save of the workflow writes it (who and when from the timeline).
HISTORIE_SQL = """
INSERT INTO {historie} ({kolommen}, history_date, history_change_reason, history_type,
    history_user_id)
SELECT {waarden}, g.op, NULL, CASE WHEN g.soort = 'ontvangen' THEN '+' ELSE '~' END, g.door_id
FROM klachten_gebeurtenis g
JOIN klachten_klacht k ON k.id = g.klacht_id
WHERE g.soort IN ('ontvangen', 'status')
ORDER BY g.op
"""


def historie_sql() -> str:
    """HISTORIE_SQL for the columns the history table shares with the complaint (the state of
    each version is its status; the other fields as they are now)."""
    historie = Klacht.history.model
    eigen = {f.column for f in Klacht._meta.concrete_fields}
    kolommen = [
        f.column
        for f in historie._meta.concrete_fields
        if f.column in eigen and not f.column.startswith("history_")
    ]
    waarden = ["g.naar_status" if k == "status" else f"k.{k}" for k in kolommen]
    return HISTORIE_SQL.format(
        historie=historie._meta.db_table, kolommen=", ".join(kolommen), waarden=", ".join(waarden)
    )


# About 1.2% of the answered complaints goes to the external body 20-90 days after closing (the
# courts for 5%); decided 60-240 days later, with an outcome.
EXTERN_SQL = f"""
INSERT INTO klachten_externeprocedure (
    klacht_id, instantie_id, ingediend_datum, uitkomst, beslist_datum, toelichting, created_at
)
SELECT id, instantie, ingediend,
    CASE WHEN beslist <= %(vandaag)s THEN uitkomst ELSE 'lopend' END,
    CASE WHEN beslist <= %(vandaag)s THEN beslist END,
    '', ingediend::timestamptz
FROM (
    SELECT id,
        CASE WHEN r1 < 0.05 THEN %(rechter)s WHEN label_id = %(zorg)s THEN %(skgz)s
             ELSE %(kifid)s END AS instantie,
        sluit_datum + (20 + r2 * 70)::int AS ingediend,
        sluit_datum + (20 + r2 * 70)::int + (60 + r3 * 180)::int AS beslist,
        CASE WHEN r4 < 0.15 THEN 'gegrond' WHEN r4 < 0.30 THEN 'deels_gegrond'
             WHEN r4 < 0.70 THEN 'ongegrond' WHEN r4 < 0.85 THEN 'schikking'
             WHEN r4 < 0.95 THEN 'ingetrokken' ELSE 'niet_ontvankelijk' END AS uitkomst
    FROM (
        SELECT id, label_id, {_datum("coalesce(t_sluit2, t_sluit1)")} AS sluit_datum,
            random() AS r1, random() AS r2, random() AS r3, random() AS r4
        FROM bm_plan
        WHERE status = 'afgesloten' AND soort = 'normaal' AND r_extern < 0.012
    ) k
) e
WHERE ingediend <= %(vandaag)s
ORDER BY 3
"""


def ingelogde_client(gebruiker) -> Client:
    """A test client with a completed staff login: password and TOTP code (the second step is
    what klachten.middleware asks of every staff page; without it each page answers 302)."""
    client = Client()
    client.force_login(gebruiker)
    apparaat = TOTPDevice.objects.get_or_create(
        user=gebruiker, confirmed=True, defaults={"name": "benchmark"}
    )[0]
    sessie = client.session
    sessie[DEVICE_ID_SESSION_KEY] = apparaat.persistent_id
    sessie.save()
    return client


@dataclass
class Meting:
    naam: str
    url: str
    tijden: list[float]
    queries: int | None = None
    db_tijd: float | None = None
    bytes: int = 0
    traagste: list[dict] = field(default_factory=list)

    @property
    def mediaan(self) -> float:
        return statistics.median(self.tijden)

    def als_json(self) -> dict:
        return {**asdict(self), "mediaan": self.mediaan}


def _querynaam(sql: str) -> str:
    """Which building block (or other read) a query of the report is, from its SQL."""
    van = re.search(r'FROM "(\w+)"', sql)
    tabel = van.group(1) if van else ""
    if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        return f"schrijven {tabel}"
    if "MIN(" in sql.upper() and "ontvangen_op" in sql:
        return f"eerste gegevens ({tabel})"
    if tabel == "klachten_termijnafloop":
        return "termijnaflopen in de maand"
    if tabel == "klachten_externeprocedure":
        return "extern beslist" if '"beslist_datum" >=' in sql else "extern ingediend"
    if tabel == "klanttevredenheid_respons":
        return "kto responsen"
    if tabel == "klanttevredenheid_uitnodiging":
        return "kto uitnodigingen"
    if tabel == "klachten_gebeurtenis":
        return "afgesloten in de maand"
    if tabel == "klachten_klacht":
        if "klachten_gebeurtenis" in sql or "\"status\" = 'afgesloten')" in sql:
            return "open aan het eind"
        if '"heroverweging_gevraagd_op" >=' in sql:
            return "heroverwegingen"
        kolom = re.search(r'"(\w+_uiterlijk_datum)" >=', sql)
        if kolom:
            return f"lopend {kolom.group(1)}"
        if '"ontvangen_op" >=' in sql:
            return "ontvangen in de maand"
    return f"{tabel or sql[:40]}"


class RapportageBenchmark(BaseCommand):
    """`manage.py rapportage_benchmark`; benchmark/gegevens.py fills its dataset with
    `stamgegevens` and `vullen`."""

    help = "Meet de rapportagepagina's bij 1.000.000 klachten (alleen op een aparte database)."

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=1_000_000, help="Klachten (5 jaar).")
        parser.add_argument(
            "--open", dest="open_", type=int, default=100_000, help="Ongeveer zoveel open."
        )
        parser.add_argument("--hergebruik", action="store_true", help="Bestaande vulling houden.")
        parser.add_argument("--runs", type=int, default=5, help="Metingen per pagina (mediaan).")
        parser.add_argument("--plannen", type=int, default=4, help="EXPLAIN van de traagste N.")
        parser.add_argument(
            "--zonder-inhalen",
            action="store_true",
            help="De pagina's zonder vastgelegde maanden (13 maanden live) niet meten.",
        )
        parser.add_argument("--json", dest="json_pad", help="Schrijf de uitkomsten als JSON.")

    def handle(
        self, *args, aantal, open_, hergebruik, runs, plannen, zonder_inhalen, json_pad, **options
    ):
        naam = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "benchmark" not in naam:
            raise CommandError("Alleen op een PostgreSQL-database met 'benchmark' in de naam.")
        self.uitkomst: dict = {"database": naam, "runs": runs, "grens_s": GRENS}
        with connection.cursor() as cursor:
            for instelling in (
                "shared_buffers",
                "work_mem",
                "jit",
                "max_parallel_workers_per_gather",
            ):
                cursor.execute(f"SHOW {instelling}")
                self.uitkomst[instelling] = cursor.fetchone()[0]
        nu = timezone.now()
        stam = self.stamgegevens()
        self.kto_controleren(nu)
        if hergebruik and Klacht.objects.filter(label__slug=LABELS[0][0]).exists():
            self.stdout.write("Bestaande vulling hergebruikt.")
        else:
            self.vullen(aantal=aantal, open_=open_, nu=nu, stam=stam)
        self.samenvatting()

        Maandrapport.objects.all().delete()
        Jaarrapport.objects.all().delete()
        nu = timezone.now()
        vandaag = kalender.lokale_datum(nu)
        lopend = (vandaag.year, vandaag.month)
        vorige = kalender.vorige_maand(*lopend)
        vorig_jaar = vandaag.year - 1

        self.bouwstenen_meten(lopend, plannen=plannen)

        directie, teamleider = stam["directie"], stam["teamleider"]
        zorg = stam["labels"][0]
        maand_url = reverse("rapportage:maand", kwargs={"jaar": lopend[0], "maand": lopend[1]})
        vorige_url = reverse("rapportage:maand", kwargs={"jaar": vorige[0], "maand": vorige[1]})
        jaar_url = reverse("rapportage:jaar", kwargs={"jaar": vorig_jaar}) + f"?label={zorg.slug}"
        metingen: list[Meting] = []
        with (
            # The running month computed on every view (the cache would hide what it costs).
            override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], RAPPORTAGE_LIVE_CACHE_S=0),
            warnings.catch_warnings(),
        ):
            warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no static
            directie_client = ingelogde_client(directie)
            teamleider_client = ingelogde_client(teamleider)

            if not zonder_inhalen:
                self.stdout.write("\nZonder vastgelegde maanden (alles live, 1 meting):")
                for titel, url in (
                    (f"maand {vorige[0]}-{vorige[1]:02d}, niets vastgelegd", vorige_url),
                    (f"jaar {vorig_jaar}, niets vastgelegd", jaar_url),
                ):
                    metingen.append(self.meten(titel, directie_client, url, runs=1, opwarmen=False))
                Jaarrapport.objects.all().delete()

            self.vastleggen_meten(nu)

            self.stdout.write(f"\nPagina's (opwarmen, dan de mediaan van {runs}):")
            export = {
                formaat: reverse(
                    "rapportage:maand-export",
                    kwargs={"jaar": vorige[0], "maand": vorige[1], "formaat": formaat},
                )
                for formaat in ("csv", "xlsx", "pdf")
            }
            lopend_jaar_url = reverse("rapportage:jaar", kwargs={"jaar": vandaag.year})
            for titel, client, url in (
                (
                    f"maand {lopend[0]}-{lopend[1]:02d} lopend (directie)",
                    directie_client,
                    maand_url,
                ),
                (
                    f"maand {lopend[0]}-{lopend[1]:02d} lopend, 1 label (directie)",
                    directie_client,
                    f"{maand_url}?label={zorg.slug}",
                ),
                (
                    f"maand {lopend[0]}-{lopend[1]:02d} lopend (teamleider)",
                    teamleider_client,
                    maand_url,
                ),
                (
                    f"maand {vorige[0]}-{vorige[1]:02d} vastgelegd (directie)",
                    directie_client,
                    vorige_url,
                ),
                (
                    f"maand {vorige[0]}-{vorige[1]:02d} vastgelegd (teamleider)",
                    teamleider_client,
                    vorige_url,
                ),
                (f"jaar {vorig_jaar} concept (directie)", directie_client, jaar_url),
                (
                    f"jaar {vandaag.year} lopend (directie)",
                    directie_client,
                    f"{lopend_jaar_url}?label={zorg.slug}",
                ),
                (f"export CSV {vorige[0]}-{vorige[1]:02d}", directie_client, export["csv"]),
                (f"export XLSX {vorige[0]}-{vorige[1]:02d}", directie_client, export["xlsx"]),
                (f"export PDF {vorige[0]}-{vorige[1]:02d}", directie_client, export["pdf"]),
            ):
                metingen.append(self.meten(titel, client, url, runs=runs))

            metingen.append(self.publiceren(directie_client, jaar_url, vorig_jaar))
            publiek_url = reverse("rapportage:publiek-label", kwargs={"label_slug": zorg.slug})
            for titel, client, url in (
                (f"jaar {vorig_jaar} gepubliceerd (directie)", directie_client, jaar_url),
                (f"publiek jaarverslag {vorig_jaar}", Client(), publiek_url),
            ):
                metingen.append(self.meten(titel, client, url, runs=runs))

        self.tabel(metingen)
        self.uitkomst["metingen"] = [m.als_json() for m in metingen]
        if json_pad:
            Path(json_pad).write_text(json.dumps(self.uitkomst, indent=2, default=str))
            self.stdout.write(f"\nJSON geschreven naar {json_pad}")

    # Master data ---------------------------------------------------------------------------------

    def stamgegevens(self) -> dict:
        labels = [
            Label.objects.get_or_create(slug=slug, defaults={"naam": naam})[0]
            for slug, naam in LABELS
        ]
        afdelingen = [
            Afdeling.objects.get_or_create(code=f"bm-{i}", defaults={"naam": f"Benchmark {i}"})[0]
            for i in range(AFDELINGEN)
        ]
        categorieen = [
            Categorie.objects.get_or_create(
                code=f"bm-{i}",
                defaults={"naam": f"{naam} (benchmark)", "afdeling": afdelingen[i % AFDELINGEN]},
            )[0]
            for i, naam in enumerate(CATEGORIEEN)
        ]
        instanties = {
            code: ExterneInstantie.objects.get_or_create(
                code=code, defaults={"naam": naam, "escalatie_tekst": f"U kunt naar {naam}."}
            )[0]
            for code, naam in (("kifid", "Kifid"), ("skgz", "SKGZ"), ("rechter", "Rechter"))
        }
        Medewerker.objects.bulk_create(
            [Medewerker(username=f"bm-behandelaar-{i:02d}") for i in range(1, BEHANDELAARS + 1)],
            ignore_conflicts=True,
        )
        behandelaars = list(
            Medewerker.objects.filter(username__startswith="bm-behandelaar-")
            .order_by("username")
            .values_list("pk", flat=True)
        )
        # No e-mail address: catching up sends the directie nothing (no mail through Celery).
        directie = Medewerker.objects.get_or_create(username="bm-directie")[0]
        directie.groups.add(Group.objects.get_or_create(name=rollen.DIRECTIE)[0])
        teamleider = Medewerker.objects.get_or_create(username="bm-teamleider-rapportage")[0]
        teamleider.groups.add(Group.objects.get_or_create(name=rollen.TEAMLEIDER)[0])
        teamleider.afdelingen.set(afdelingen[:2])
        return {
            "labels": labels,
            "afdelingen": afdelingen,
            "categorieen": categorieen,
            "instanties": instanties,
            "behandelaars": behandelaars,
            "directie": directie,
            "teamleider": teamleider,
        }

    def kto_controleren(self, nu: dt.datetime) -> None:
        """Keep the survey data of klanttevredenheid_benchmark; fill it when there is none."""
        if Respons.objects.exists():
            return
        self.stdout.write("Geen KTO-gegevens: vullen zoals klanttevredenheid_benchmark ...")
        KlanttevredenheidBenchmark(stdout=self.stdout._out, stderr=self.stderr._out).vullen(
            1_000_000, nu
        )

    # Filling -------------------------------------------------------------------------------------

    def stap(self, tekst: str, sql: str, params: dict | None = None) -> None:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rijen = cursor.rowcount
        rijen_tekst = f"{rijen:>10,} rijen" if rijen and rijen > 0 else " " * 16
        self.stdout.write(f"  {tekst:<46} {rijen_tekst}  {time.perf_counter() - start:6.1f} s")

    def vullen(self, *, aantal: int, open_: int, nu: dt.datetime, stam: dict) -> None:
        start = time.perf_counter()
        vandaag = kalender.lokale_datum(nu)
        begin = kalender.lokaal_moment(kalender.maanden_later(vandaag, -60).replace(day=1))
        self.stdout.write(
            f"Vullen: {aantal:,} klachten van {begin:%Y-%m-%d} tot nu, ongeveer {open_:,} open."
        )
        afdelingen = [a.pk for a in stam["afdelingen"]]
        categorieen = stam["categorieen"]
        params = {
            "nu": nu,
            "vandaag": vandaag,
            "start": begin,
            "aantal": aantal,
            # Share of the "normal" complaints (80%) of the last 18 months (30%) that is still
            # under investigation, falling from `vast` to 0 with age (on average half of it):
            # 0.8 x 0.3 x 0.5 = 0.12 of all complaints at vast = 1.
            "vast": min(1.0, (open_ / aantal) / 0.12),
            "labels": [label.pk for label in stam["labels"]],
            "afdelingen": afdelingen,
            "n_afd": len(afdelingen),
            "categorieen": [c.pk for c in categorieen],
            "categorie_afdeling": [c.afdeling_id for c in categorieen],
            "n_cat": len(categorieen),
            "behandelaars": stam["behandelaars"],
            "n_beh": len(stam["behandelaars"]),
            "zorg": stam["labels"][0].pk,
            "voornamen": list(VOORNAMEN),
            "achternamen": list(ACHTERNAMEN),
            **{code: instantie.pk for code, instantie in stam["instanties"].items()},
        }
        tabellen = [
            Klacht._meta.db_table,
            Klacht.history.model._meta.db_table,
            Gebeurtenis._meta.db_table,
            Bijlage._meta.db_table,
            Bericht._meta.db_table,
            Termijnwijziging._meta.db_table,
            ExterneProcedure._meta.db_table,
            Termijnafloop._meta.db_table,
            Leermoment._meta.db_table,
            Verbeterpunt._meta.db_table,
            Verbeterpunt.history.model._meta.db_table,
            Termijnsignaal._meta.db_table,
            Inzage._meta.db_table,  # the access log goes with the complaints it names
            Kwetsbaarheidssignaal._meta.db_table,
            Doorverwijzing._meta.db_table,
            Dossierreview._meta.db_table,
            Maandrapport._meta.db_table,
            Jaarrapport._meta.db_table,
            Triagesuggestie._meta.db_table,
            SociaalBericht._meta.db_table,
            # The links of meetings and product reviews to improvement actions; the meetings
            # and reviews themselves name no complaint and stay.
            Werkgroepoverleg.verbeterpunten.through._meta.db_table,
            Productreview.verbeterpunten.through._meta.db_table,
        ]
        gevuld = [
            Klacht._meta.db_table,
            Klacht.history.model._meta.db_table,
            Bericht._meta.db_table,
            Gebeurtenis._meta.db_table,
            Termijnafloop._meta.db_table,
            ExterneProcedure._meta.db_table,
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute("SELECT setseed(0.20261125)")
            buitenstaand = self.leegmaken(cursor, tabellen)
            indexen = bulkladen.indexen_weghalen(cursor, gevuld)
            verwijzingen = bulkladen.verwijzingen_weghalen(cursor, gevuld)
            # The counts per afdeling and status: counted once after the load, not per row.
            cursor.execute(
                f"ALTER TABLE {Klacht._meta.db_table} DISABLE TRIGGER "
                f"{klachten_services.STATUSAANTALLEN_TRIGGER}"
            )
            self.stap("1/9 plan (momenten per klacht, tijdelijk)", PLAN_SQL, params)
            self.stap("2/9 klachten", KLACHT_SQL, params)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM "
                f"{Klacht._meta.db_table}))",
                [Klacht._meta.db_table],
            )
            cursor.execute(DOSSIERNUMMERREEKS_SQL)
            self.stap("3/9 termijnaflopen", TERMIJNAFLOOP_SQL, params)
            self.stap("4/9 berichten", BERICHT_SQL, {**params, "berichttekst": BERICHTTEKST})
            self.stap("5/9 tijdlijn (gebeurtenissen)", GEBEURTENIS_SQL, params)
            self.stap("6/9 historie (versies)", historie_sql(), params)
            self.stap("7/9 externe procedures", EXTERN_SQL, params)
            begonnen = time.perf_counter()
            for definitie in indexen:
                cursor.execute(definitie)
            for definitie in verwijzingen + buitenstaand:
                cursor.execute(definitie)
            cursor.execute("DROP TABLE bm_plan")
            cursor.execute(
                f"ALTER TABLE {Klacht._meta.db_table} ENABLE TRIGGER "
                f"{klachten_services.STATUSAANTALLEN_TRIGGER}"
            )
            klachten_services.statusaantallen_herberekenen()
            self.stdout.write(
                f"  {'8/9 indexen en verwijzingen terug':<46} {len(indexen):>10} indexen"
                f"  {time.perf_counter() - begonnen:6.1f} s"
            )
        begonnen = time.perf_counter()
        with connection.cursor() as cursor:
            for tabel in gevuld:
                cursor.execute(f"VACUUM ANALYZE {tabel}")
        self.stdout.write(
            f"  {'9/9 VACUUM ANALYZE':<46} {'':>16}  {time.perf_counter() - begonnen:6.1f} s"
        )
        self.uitkomst["vullen_s"] = round(time.perf_counter() - start, 1)
        self.stdout.write(f"Gevuld in {self.uitkomst['vullen_s']:.1f} s.")

    def leegmaken(self, cursor, tabellen: list[str]) -> list[str]:
        """TRUNCATE the complaint tables but not the survey tables that point at them: their
        (nullable) references are emptied and their foreign keys dropped, to be put back after
        the fill (returned). One transaction: nothing is lost when the fill fails."""
        cursor.execute(
            """
            SELECT c.conname, c.conrelid::regclass::text, a.attname, a.attnotnull,
                pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])
                AND NOT c.conrelid = ANY(%s::regclass[])
            """,
            [tabellen, tabellen],
        )
        terug = []
        for naam, tabel, kolom, verplicht, definitie in cursor.fetchall():
            if verplicht:
                raise CommandError(f"{tabel}.{kolom} verwijst verplicht naar een klachttabel.")
            cursor.execute(f'UPDATE {tabel} SET "{kolom}" = NULL WHERE "{kolom}" IS NOT NULL')
            cursor.execute(f'ALTER TABLE {tabel} DROP CONSTRAINT "{naam}"')
            terug.append(f'ALTER TABLE {tabel} ADD CONSTRAINT "{naam}" {definitie}')
        start = time.perf_counter()
        cursor.execute(f"TRUNCATE {', '.join(tabellen)} RESTART IDENTITY")
        self.stdout.write(
            f"  {'0/9 leegmaken (klachttabellen, KTO blijft)':<46} {'':>16}"
            f"  {time.perf_counter() - start:6.1f} s"
        )
        return terug

    def samenvatting(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*), count(*) FILTER (WHERE status <> 'afgesloten'),
                    count(*) FILTER (WHERE direct_opgelost), count(*) FILTER (
                        WHERE is_ontvankelijk = false), count(*) FILTER (
                        WHERE behandeling_hervat_op IS NOT NULL AND heroverweging_gevraagd_op IS NULL)
                FROM klachten_klacht
                """
            )
            klachten, open_, direct, niet_ontvankelijk, heropend = cursor.fetchone()
            cursor.execute(
                "SELECT count(*), avg(op_tijd::int) FROM klachten_termijnafloop"
                " WHERE termijn IN ('ontvangstbevestiging', 'statusupdate', 'antwoord')"
            )
            aflopen, op_tijd = cursor.fetchone()
        gegevens = {
            "klachten": klachten,
            "open": open_,
            "direct_opgelost": direct,
            "niet_ontvankelijk": niet_ontvankelijk,
            "heropend": heropend,
            "gebeurtenissen": Gebeurtenis.objects.count(),
            "termijnaflopen": aflopen,
            "op_tijd_pct": round(100 * float(op_tijd or 0), 1),
            "externe_procedures": ExterneProcedure.objects.count(),
            "kto_responsen": Respons.objects.count(),
        }
        self.uitkomst["gegevens"] = gegevens
        self.stdout.write(
            f"Database: {klachten:,} klachten ({open_:,} open, {direct:,} direct opgelost, "
            f"{niet_ontvankelijk:,} niet ontvankelijk, {heropend:,} heropend), "
            f"{gegevens['gebeurtenissen']:,} gebeurtenissen, {aflopen:,} termijnaflopen "
            f"({gegevens['op_tijd_pct']}% op tijd), {gegevens['externe_procedures']:,} externe "
            f"procedures, {gegevens['kto_responsen']:,} KTO-responsen."
        )

    # Measuring -----------------------------------------------------------------------------------

    def meten(
        self, naam: str, client: Client, url: str, *, runs: int, opwarmen: bool = True
    ) -> Meting:
        """Warm up once, count the queries of one GET, then time `runs` GETs."""
        if opwarmen:
            self.ophalen(client, url)
        # From an empty log: it keeps the last 9000 queries, and a full one would capture none.
        reset_queries()
        with CaptureQueriesContext(connection) as vastgelegd:
            start = time.perf_counter()
            grootte = len(self.ophalen(client, url).content)
            eerste = time.perf_counter() - start
        queries = vastgelegd.captured_queries
        tijden = [eerste] if runs == 1 else []
        for _i in range(runs if runs > 1 else 0):
            start = time.perf_counter()
            self.ophalen(client, url)
            tijden.append(time.perf_counter() - start)
        traagste = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]
        meting = Meting(
            naam=naam,
            url=url,
            tijden=[round(t, 4) for t in tijden],
            queries=len(queries),
            db_tijd=round(sum(float(q["time"]) for q in queries), 3),
            bytes=grootte,
            traagste=[{"naam": _querynaam(q["sql"]), "s": float(q["time"])} for q in traagste],
        )
        oordeel = "ok" if meting.mediaan < GRENS else "TE TRAAG"
        self.stdout.write(
            f"  {naam:<46} {meting.mediaan:7.3f} s  {meting.queries:>3} queries"
            f"  (db {meting.db_tijd:.3f} s)  {oordeel}"
        )
        return meting

    def ophalen(self, client: Client, url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url}: {response.status_code}")
        return response

    def bouwstenen_meten(self, maand: tuple[int, int], *, plannen: int) -> None:
        """Every query of bouwstenen() for the running month, and the plans of the slowest."""
        maandrapport.bouwstenen(*maand)  # warm (caches and the table's pages)
        reset_queries()
        with CaptureQueriesContext(connection) as vastgelegd:
            start = time.perf_counter()
            maandrapport.bouwstenen(*maand)
            totaal = time.perf_counter() - start
        queries = [
            {"naam": _querynaam(q["sql"]), "s": float(q["time"]), "sql": q["sql"]}
            for q in vastgelegd.captured_queries
        ]
        self.stdout.write(
            f"\nbouwstenen({maand[0]}, {maand[1]}) lopende maand: {totaal:.3f} s, "
            f"{len(queries)} queries"
        )
        for q in queries:
            self.stdout.write(f"  {q['s']:7.3f} s  {q['naam']}")
        traagste = sorted(queries, key=lambda q: q["s"], reverse=True)[:plannen]
        self.stdout.write(f"\nEXPLAIN (ANALYZE, BUFFERS) van de {len(traagste)} traagste:")
        with connection.cursor() as cursor:
            for q in traagste:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                q["plan"] = [rij[0] for rij in cursor.fetchall()]
                self.stdout.write(f"\n-- {q['naam']} ({q['s']:.3f} s)")
                for rij in self.kort_plan(q["plan"]):
                    self.stdout.write(f"   {rij}")
        self.uitkomst["bouwstenen_lopend"] = {
            "maand": f"{maand[0]}-{maand[1]:02d}",
            "s": round(totaal, 3),
            "queries": queries,
        }

    def kort_plan(self, plan: list[str]) -> list[str]:
        """The plan's nodes with their timings and row counts, plus planning/JIT/execution."""
        rijen = [
            r
            for r in plan
            if "->" in r
            or r == plan[0]
            or r.strip().startswith(("Planning Time", "Execution Time", "JIT:", "Timing:"))
            or "Filter:" in r
            or "Index Cond:" in r
            or "Rows Removed" in r
        ]
        return [r if len(r) <= 150 else r[:147] + "..." for r in rijen[:40]]

    def vastleggen_meten(self, nu: dt.datetime) -> None:
        """services.maandrapporten_vastleggen catching up every finished month, timed per month
        (and the PDF it makes for sending the month before)."""
        per_maand: list[float] = []
        versturen: list[float] = []

        def gemeten(lijst, functie):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return functie(*args, **kwargs)
                finally:
                    lijst.append(time.perf_counter() - start)

            return wrapper

        start = time.perf_counter()
        with (
            mock.patch.object(
                maandrapport,
                "maandrapport_vastleggen",
                gemeten(per_maand, maandrapport.maandrapport_vastleggen),
            ),
            mock.patch.object(
                services,
                "maandrapport_versturen",
                gemeten(versturen, services.maandrapport_versturen),
            ),
        ):
            vastgelegd = services.maandrapporten_vastleggen(op=nu)
        totaal = time.perf_counter() - start
        self.uitkomst["vastleggen"] = {
            "maanden": len(vastgelegd),
            "totaal_s": round(totaal, 2),
            "per_maand_mediaan_s": round(statistics.median(per_maand), 3) if per_maand else None,
            "per_maand_min_s": round(min(per_maand), 3) if per_maand else None,
            "per_maand_max_s": round(max(per_maand), 3) if per_maand else None,
            "versturen_s": round(sum(versturen), 2),
        }
        v = self.uitkomst["vastleggen"]
        self.stdout.write(
            f"\nmaandrapporten_vastleggen: {v['maanden']} maanden in {v['totaal_s']:.1f} s; per "
            f"maand mediaan {v['per_maand_mediaan_s']:.2f} s (min {v['per_maand_min_s']:.2f}, "
            f"max {v['per_maand_max_s']:.2f}); versturen (PDF) {v['versturen_s']:.2f} s"
        )

    def publiceren(self, client: Client, jaar_url: str, jaar: int) -> Meting:
        """The directie publishes last year's report (through the page: one POST)."""
        reset_queries()
        with CaptureQueriesContext(connection) as vastgelegd:
            start = time.perf_counter()
            response = client.post(
                jaar_url,
                {"toelichting": "Benchmark: toelichting van de directie.", "publiceren": "1"},
            )
            duur = time.perf_counter() - start
        if (
            response.status_code != 302
            or not Jaarrapport.objects.filter(jaar=jaar, status="gepubliceerd").exists()
        ):
            raise CommandError(f"Publiceren van {jaar} lukte niet ({response.status_code}).")
        meting = Meting(
            naam=f"publiceren {jaar} (POST, eenmalig)",
            url=jaar_url,
            tijden=[round(duur, 4)],
            queries=len(vastgelegd.captured_queries),
            db_tijd=round(sum(float(q["time"]) for q in vastgelegd.captured_queries), 3),
        )
        self.stdout.write(
            f"  {meting.naam:<46} {duur:7.3f} s  {meting.queries:>3} queries"
            f"  (db {meting.db_tijd:.3f} s)"
        )
        return meting

    def tabel(self, metingen: list[Meting]) -> None:
        self.stdout.write(
            f"\n{'meting':<48} {'mediaan':>8} {'min':>7} {'max':>7} {'queries':>7} {'db':>7}"
            f" {'KB':>6}  < {GRENS:g} s"
        )
        for m in metingen:
            self.stdout.write(
                f"{m.naam:<48} {m.mediaan:8.3f} {min(m.tijden):7.3f} {max(m.tijden):7.3f}"
                f" {m.queries:>7} {m.db_tijd:7.3f} {m.bytes / 1024:6.0f}  "
                f"{'ja' if m.mediaan < GRENS else 'NEE'}"
            )
        self.stdout.write(
            f"(PostgreSQL {connection.pg_version // 10000}, DEBUG uit tijdens het meten; "
            f"settings: {settings.SETTINGS_MODULE})"
        )
