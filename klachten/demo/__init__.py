"""Demo data of klachten, by subject (loaded by `manage.py demo_data`, which also loads the demo
of every other app).

Two labels, afdelingen, categorieën, one user per role and about 200 complaints over 18 months
through the whole procedure of DESIGN.md section 4: acknowledged, assigned, (not) admissible,
statusupdates, phone calls, notes and messages from the customer, suspended and extended terms,
answers with an oordeel (some as definitief standpunt), closed with leermomenten and
verbeterpunten, reconsidered by a second-line handler, taken to Kifid or SKGZ, one reopened, and
the newest still open with deadlines that are met, nearly due and overdue.

- `stamgegevens`: labels, afdelingen, categorieën, users, names; the logins printed after a run;
- `teksten`: what customers and handlers write, and the odds of every draw;
- `draaiboek`: the timeline machinery (`Draaiboek`, `klok`) and the small shared tools;
- `scenarios`: the ordinary course of a complaint and the fixed dossiers;
- `vullen`: making the complaints, and finding the other apps' demos.
- `email`: a mailbox per label without a mail server, and e-mail conversations read through the
  channel's real pipeline (issue 17).

What the demos of other apps (`<app>/demo.py`, importing only from here) may use is below.
"""

from klachten.demo.draaiboek import kiezen, klok, verleden_verzonden, werkmoment
from klachten.demo.stamgegevens import ACHTERNAMEN, EERSTE_LIJN, VOORNAMEN, emailadres

__all__ = [
    "ACHTERNAMEN",
    "EERSTE_LIJN",
    "VOORNAMEN",
    "emailadres",
    "kiezen",
    "klok",
    "verleden_verzonden",
    "werkmoment",
]
