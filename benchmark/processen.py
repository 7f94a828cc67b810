"""The real processes a benchmark run measures: gunicorn, a Celery worker and locust."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASIS = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
VOORBEREIDING = "voorbereiding"


def kinderen(pid: int) -> list[int]:
    """The child processes of `pid` (gunicorn's workers, Celery's pool)."""
    try:
        tekst = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in tekst.split()]


def geheugen_mb(pid: int, veld: str = "VmRSS") -> float:
    """Resident memory (VmRSS) or its peak (VmHWM) of a process, in MB; 0 when it is gone."""
    try:
        for regel in Path(f"/proc/{pid}/status").read_text().splitlines():
            if regel.startswith(veld + ":"):
                return int(regel.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Proces:
    """A subprocess with its own process group, stopped with everything it started."""

    naam = ""

    def __init__(self, opdracht: list[str], omgeving: dict[str, str]):
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the process)
            prefix=f"benchmark-{self.naam}-", suffix=".log", delete=False
        )
        self.proces = subprocess.Popen(
            opdracht,
            cwd=BASIS,
            env=omgeving,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def werkers(self) -> list[int]:
        return kinderen(self.proces.pid)

    def geheugen(self, veld: str = "VmRSS") -> list[float]:
        return [geheugen_mb(pid, veld) for pid in self.werkers]

    def logstaart(self, regels: int = 30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-regels:])

    def stoppen(self) -> None:
        if self.proces.poll() is None:
            os.killpg(self.proces.pid, signal.SIGTERM)
            try:
                self.proces.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proces.pid, signal.SIGKILL)
                self.proces.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stoppen()


class Webserver(Proces):
    naam = "gunicorn"

    def __init__(self, omgeving: dict[str, str], *, werkers: int, poort: int):
        self.url = f"http://127.0.0.1:{poort}"
        self.aantal = werkers
        super().__init__(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                # The documented configuration (the masking logger; no access log here).
                "-c",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{poort}",
                "--workers",
                str(werkers),
                "--log-level",
                "warning",
            ],
            omgeving,
        )
        self.wachten()

    def wachten(self, tijd: float = 60) -> None:
        """Until every worker answers (the baseline list, which needs the database)."""
        einde = time.monotonic() + tijd
        while time.monotonic() < einde:
            if self.proces.poll() is not None:
                raise RuntimeError(f"gunicorn stopte:\n{self.logstaart()}")
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(
                        f"{self.url}/basislijn/lijst/", headers={"X-Forwarded-Proto": "https"}
                    ),
                    timeout=5,
                ) as antwoord:
                    if antwoord.status == 200 and len(self.werkers) >= self.aantal:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn antwoordt niet:\n{self.logstaart()}")


class Worker(Proces):
    naam = "celery"

    def __init__(self, omgeving: dict[str, str], *, processen: int):
        self.aantal = processen
        super().__init__(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(processen),
                "--loglevel",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            omgeving,
        )
        einde = time.monotonic() + 60
        while len(self.werkers) < processen:
            if self.proces.poll() is not None or time.monotonic() > einde:
                raise RuntimeError(f"De Celery-worker startte niet:\n{self.logstaart()}")
            time.sleep(0.2)
        time.sleep(1)  # the pool connects to the broker


@dataclass
class Uitslag:
    """One scenario under load: locust's figures for its requests."""

    scenario: str
    gebruikers: int
    duur_s: float
    aanvragen: int = 0
    fouten: int = 0
    per_seconde: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    gemiddeld_ms: float = 0.0
    queries: float | None = None
    geheugen_mb: float = 0.0
    foutmeldingen: list[str] = field(default_factory=list)


def locust(
    klassen: list[str],
    *,
    url: str,
    gebruikers: int,
    duur: float,
    omgeving: dict[str, str],
    data: dict,
) -> dict[str, Uitslag]:
    """Run locust headless with these user classes; returns the figures per request name."""
    with tempfile.TemporaryDirectory(prefix="benchmark-locust-") as map_:
        map_pad = Path(map_)
        (map_pad / "data.json").write_text(json.dumps(data))
        opdracht = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(gebruikers),
            "--spawn-rate",
            str(gebruikers),
            "--run-time",
            f"{duur:g}s",
            "--stop-timeout",
            "10",
            "--host",
            url,
            "--csv",
            str(map_pad / "uitslag"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *klassen,
        ]
        klaar = subprocess.run(
            opdracht,
            cwd=BASIS,
            env={
                **omgeving,
                "BENCHMARK_DATA": str(map_pad / "data.json"),
                "BENCHMARK_QUERIES": str(map_pad / "queries.json"),
            },
            capture_output=True,
            text=True,
            timeout=duur + 120,
        )
        statistiek = map_pad / "uitslag_stats.csv"
        if not statistiek.exists():
            raise RuntimeError(f"locust gaf geen uitslag:\n{klaar.stderr[-3000:]}")
        queries = {}
        if (map_pad / "queries.json").exists():
            queries = json.loads((map_pad / "queries.json").read_text())
        meldingen: dict[str, list[str]] = {}
        fouten_csv = map_pad / "uitslag_failures.csv"
        if fouten_csv.exists():
            with fouten_csv.open() as bestand:
                for rij in csv.DictReader(bestand):
                    meldingen.setdefault(rij["Name"], []).append(
                        f"{rij['Occurrences']}x {rij['Error']}"
                    )
        uitslagen = {}
        with statistiek.open() as bestand:
            for rij in csv.DictReader(bestand):
                naam = rij["Name"]
                if naam in ("Aggregated", VOORBEREIDING):
                    continue
                uitslagen[naam] = Uitslag(
                    scenario=naam,
                    gebruikers=gebruikers,
                    duur_s=duur,
                    aanvragen=int(rij["Request Count"]),
                    fouten=int(rij["Failure Count"]),
                    per_seconde=round(float(rij["Requests/s"]), 1),
                    p50_ms=float(rij["50%"]),
                    p95_ms=float(rij["95%"]),
                    p99_ms=float(rij["99%"]),
                    gemiddeld_ms=round(float(rij["Average Response Time"]), 1),
                    queries=(round(queries[naam]["gemiddeld"], 1) if naam in queries else None),
                    foutmeldingen=meldingen.get(naam, []),
                )
        voorbereiding_fouten = meldingen.get(VOORBEREIDING)
        if voorbereiding_fouten:
            raise RuntimeError(f"Voorbereiding mislukte: {voorbereiding_fouten}")
        return uitslagen
