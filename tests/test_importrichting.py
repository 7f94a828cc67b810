"""One direction between the apps (issue 16): rapportage → klanttevredenheid → klachten.

Read from the source with `ast`, not by importing it: every import statement (at module level and
inside functions, relative ones resolved) and every `importlib.import_module("...")` with a literal
name, in every .py file under the apps, benchmark/ and config/. It fails, naming file:line, on

- an import against the direction: klachten imports none of the other apps, klanttevredenheid
  only klachten, rapportage klachten and klanttevredenheid; benchmark/ may import all three and
  nothing imports benchmark/ (config/ wires the apps together: it may import them, not benchmark/);
- an import of a management command module (`*.management.commands.*`): what a command shares
  lives in an importable module of its app, so a command is only ever run, never imported;
- a circle across the apps (two apps that import each other, directly or round about);
- a URL name of a higher app (`"rapportage:publiek"`) in a lower app's Python strings or
  templates (templates/<app>/, <app>/templates/, <app>/berichtsjablonen/): a link to a report
  from a klachten page is offered by rapportage, not named by klachten.

The checker is proven on a small tree with one planted violation of each kind.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The apps, lowest first: each may import those before it, none after it.
APPS = ("klachten", "klanttevredenheid", "rapportage", "benchmark")
# Scanned too, not an app: it may import the apps (URLs, settings), but not benchmark/.
WIRING = "config"
COMMANDO = re.compile(r"(^|\.)management\.commands(\.|$)")
URLNAAM = re.compile(r"[\"'](?P<app>[a-z_]+):[\w-]+[\"']")
URLNAAM_PY = re.compile(r"(?P<app>[a-z_]+):[\w-]+")
SJABLOON_SUFFIXEN = {".html", ".txt"}


def _mag(van: str, naar: str) -> bool:
    """May code of `van` import (or name a URL of) `naar`?"""
    if van == naar or naar not in APPS:
        return True
    if van == WIRING:
        return naar != "benchmark"
    return APPS.index(naar) < APPS.index(van)


def _module(root: Path, pad: Path) -> list[str]:
    """The dotted module path of a file, as a list (`__init__` is its package)."""
    delen = list(pad.relative_to(root).with_suffix("").parts)
    return delen[:-1] if delen[-1] == "__init__" else delen


def _imports(root: Path, pad: Path, boom: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import in a file: `import a.b`, `from a import b` (as a and a.b,
    since b may be a module), relative imports resolved, `import_module("a.b")`."""
    module = _module(root, pad)
    pakket = module if pad.name == "__init__.py" else module[:-1]
    gevonden = []
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.Import):
            gevonden += [(knoop.lineno, alias.name) for alias in knoop.names]
        elif isinstance(knoop, ast.ImportFrom):
            if knoop.level:
                basis = pakket[: len(pakket) - (knoop.level - 1)] if knoop.level > 1 else pakket
                naam = ".".join([*basis, *([knoop.module] if knoop.module else [])])
            else:
                naam = knoop.module or ""
            gevonden.append((knoop.lineno, naam))
            gevonden += [(knoop.lineno, f"{naam}.{alias.name}") for alias in knoop.names]
        elif isinstance(knoop, ast.Call):
            functie = knoop.func
            functienaam = getattr(functie, "id", None) or getattr(functie, "attr", None)
            if (
                functienaam in {"import_module", "__import__"}
                and knoop.args
                and isinstance(knoop.args[0], ast.Constant)
                and isinstance(knoop.args[0].value, str)
            ):
                gevonden.append((knoop.lineno, knoop.args[0].value))
    return gevonden


def _python_bestanden(root: Path):
    for top in (*APPS, WIRING):
        if (root / top).is_dir():
            for pad in sorted((root / top).rglob("*.py")):
                yield top, pad


def _sjablonen(root: Path):
    for app in APPS:
        for map_ in (
            root / "templates" / app,
            root / app / "templates",
            root / app / "berichtsjablonen",
        ):
            if map_.is_dir():
                for pad in sorted(map_.rglob("*")):
                    if pad.is_file() and pad.suffix in SJABLOON_SUFFIXEN:
                        yield app, pad


def _cirkels(randen: dict[tuple[str, str], str]) -> list[str]:
    """Every circle in the graph of the apps (an edge: some import from one app into another),
    each named with a file:line of every step."""
    volgende: dict[str, set[str]] = {}
    for van, naar in randen:
        volgende.setdefault(van, set()).add(naar)
    cirkels = []
    gezien: set[frozenset[str]] = set()

    def zoeken(pad: list[str]) -> None:
        for naar in sorted(volgende.get(pad[-1], ())):
            if naar == pad[0]:
                if frozenset(pad) not in gezien:
                    gezien.add(frozenset(pad))
                    stappen = [*pad, pad[0]]
                    waar = ", ".join(randen[a, b] for a, b in itertools.pairwise(stappen))
                    cirkels.append(f"circle {' -> '.join(stappen)} ({waar})")
            elif naar not in pad:
                zoeken([*pad, naar])

    for app in sorted(volgende):
        zoeken([app])
    return cirkels


def richtingfouten(root: Path) -> list[str]:
    """Every import and URL name against the direction, and every circle, in the tree at `root`."""
    fouten = []
    randen: dict[tuple[str, str], str] = {}
    for top, pad in _python_bestanden(root):
        waar = pad.relative_to(root)
        boom = ast.parse(pad.read_text(), filename=str(pad))
        gemeld = set()  # one message of a kind per line (`from a import b` is a and a.b)
        for regel, naam in _imports(root, pad, boom):
            doel = naam.split(".")[0]
            if doel in (*APPS, WIRING) and COMMANDO.search(naam) and (regel, 1) not in gemeld:
                gemeld.add((regel, 1))
                fouten.append(f"{waar}:{regel}: imports the management command module {naam}")
            if not _mag(top, doel) and (regel, 2) not in gemeld:
                gemeld.add((regel, 2))
                fouten.append(f"{waar}:{regel}: {top} imports {naam} (against the direction)")
            if top in APPS and doel in APPS and doel != top:
                randen.setdefault((top, doel), f"{waar}:{regel}")
        for knoop in ast.walk(boom):
            if isinstance(knoop, ast.Constant) and isinstance(knoop.value, str):
                treffer = URLNAAM_PY.fullmatch(knoop.value)
                if treffer and not _mag(top, treffer["app"]):
                    fouten.append(f"{waar}:{knoop.lineno}: {top} names the URL {knoop.value!r}")
    for app, pad in _sjablonen(root):
        for nummer, regel in enumerate(pad.read_text().splitlines(), start=1):
            for treffer in URLNAAM.finditer(regel):
                if not _mag(app, treffer["app"]):
                    fouten.append(
                        f"{pad.relative_to(root)}:{nummer}: a template of {app} names the URL "
                        f"{treffer[0]}"
                    )
    return fouten + _cirkels(randen)


def test_de_apps_importeren_in_een_richting():
    assert richtingfouten(ROOT) == []


def test_de_controle_leest_echt_alle_apps():
    """Guards the guard: the tree it reads is this project, with its imports in the allowed
    direction (were the scan to find no files, the test above would pass on nothing)."""
    bestanden = {top for top, _pad in _python_bestanden(ROOT)}
    assert bestanden == {*APPS, WIRING}
    randen = set()
    for top, pad in _python_bestanden(ROOT):
        for _regel, naam in _imports(ROOT, pad, ast.parse(pad.read_text())):
            randen.add((top, naam.split(".")[0]))
    assert {("klanttevredenheid", "klachten"), ("rapportage", "klanttevredenheid")} <= randen
    assert ("benchmark", "rapportage") in randen


def _bestand(root: Path, pad: str, tekst: str) -> None:
    bestand = root / pad
    bestand.parent.mkdir(parents=True, exist_ok=True)
    bestand.write_text(tekst)


@pytest.fixture
def boom(tmp_path):
    """A small project in the allowed direction: every kind of allowed import once."""
    for pakket in (
        "klachten",
        "klachten/management",
        "klachten/management/commands",
        "klanttevredenheid",
        "rapportage",
        "benchmark",
        "config",
    ):
        _bestand(tmp_path, f"{pakket}/__init__.py", "")
    _bestand(tmp_path, "klachten/models.py", "import datetime\nfrom django.db import models\n")
    _bestand(tmp_path, "klachten/services.py", "from . import models\nfrom .models import x\n")
    _bestand(tmp_path, "klachten/management/commands/taak.py", "from klachten import services\n")
    _bestand(tmp_path, "klanttevredenheid/demo.py", "from klachten.models import Klacht\n")
    _bestand(
        tmp_path,
        "rapportage/views.py",
        "def f():\n    from klanttevredenheid import demo\n    return reverse('rapportage:maand')\n",
    )
    _bestand(tmp_path, "benchmark/gegevens.py", "import rapportage.views\nimport klachten\n")
    _bestand(tmp_path, "config/urls.py", "from klachten import views\n")
    _bestand(tmp_path, "templates/klachten/a.html", '{% url "klachten:status" token %}\n')
    _bestand(tmp_path, "templates/rapportage/b.html", "{% url 'klachten:dossier' 1 %}\n")
    return tmp_path


def test_controle_vindt_niets_in_een_boom_in_de_goede_richting(boom):
    assert richtingfouten(boom) == []


@pytest.mark.parametrize(
    ("pad", "tekst", "verwacht"),
    [
        (
            "klachten/views.py",
            "import os\n\ndef f():\n    from rapportage import views\n",
            "klachten/views.py:4: klachten imports rapportage (against the direction)",
        ),
        (
            "klanttevredenheid/x.py",
            "from rapportage.models import Jaarrapport\n",
            "klanttevredenheid/x.py:1: klanttevredenheid imports rapportage.models",
        ),
        (
            "rapportage/x.py",
            "from benchmark import laden\n",
            "rapportage/x.py:1: rapportage imports benchmark (against the direction)",
        ),
        (
            "config/x.py",
            "import benchmark.views\n",
            "config/x.py:1: config imports benchmark.views (against the direction)",
        ),
        (
            "klachten/x.py",
            "import importlib\nm = importlib.import_module('klanttevredenheid.demo')\n",
            "klachten/x.py:2: klachten imports klanttevredenheid.demo (against the direction)",
        ),
        (
            "klanttevredenheid/x.py",
            "from klachten.management.commands import taak\n",
            "klanttevredenheid/x.py:1: imports the management command module "
            "klachten.management.commands",
        ),
        (
            "klachten/x.py",
            "def f():\n    from klachten.management.commands.taak import Command\n",
            "klachten/x.py:2: imports the management command module "
            "klachten.management.commands.taak",
        ),
        (
            "klachten/management/x.py",
            "from .commands import taak\n",
            "klachten/management/x.py:1: imports the management command module "
            "klachten.management.commands",
        ),
        (
            "klachten/views.py",
            "URL = reverse('rapportage:publiek')\n",
            "klachten/views.py:1: klachten names the URL 'rapportage:publiek'",
        ),
        (
            "templates/klachten/klacht_status.html",
            "<p>\n<a href=\"{% url 'rapportage:publiek' %}\">jaarverslag</a>\n",
            "templates/klachten/klacht_status.html:2: a template of klachten names the URL "
            "'rapportage:publiek'",
        ),
        (
            "klanttevredenheid/templates/k/x.html",
            '{% url "rapportage:maand" 2026 1 %}',
            "klanttevredenheid/templates/k/x.html:1: a template of klanttevredenheid names",
        ),
    ],
)
def test_controle_noemt_elke_geplante_overtreding(boom, pad, tekst, verwacht):
    _bestand(boom, pad, tekst)

    fouten = richtingfouten(boom)

    assert any(fout.startswith(verwacht) for fout in fouten), fouten


def test_controle_noemt_een_cirkel_tussen_apps_met_elke_stap(boom):
    _bestand(boom, "klachten/y.py", "import klanttevredenheid.demo\n")

    fouten = richtingfouten(boom)

    assert (
        "circle klachten -> klanttevredenheid -> klachten "
        "(klachten/y.py:1, klanttevredenheid/demo.py:1)"
    ) in fouten


def test_controle_noemt_een_cirkel_over_drie_apps(boom):
    _bestand(boom, "klachten/y.py", "from rapportage import views\n")

    fouten = richtingfouten(boom)

    assert any(
        fout.startswith("circle klachten -> rapportage -> klanttevredenheid -> klachten")
        for fout in fouten
    ), fouten
