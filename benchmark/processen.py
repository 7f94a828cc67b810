"""The real processes a benchmark run measures: gunicorn, a Celery worker and wrk (the load
generator, written in C: it leaves the two cores to the server it measures)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASIS = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"


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


KLOKTIKKEN = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    try:
        tekst = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return tekst[tekst.rindex(")") + 2 :].split()


def cpu_s(pid: int, *, kinderen_ook: bool = False) -> float:
    """CPU seconds (user + system) a process used so far; with `kinderen_ook` also what its
    children that ended used (PostgreSQL's postmaster: the backends that closed)."""
    velden = _stat(pid)
    if not velden:
        return 0.0
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (man 5 proc).
    tikken = int(velden[11]) + int(velden[12])
    if kinderen_ook:
        tikken += int(velden[13]) + int(velden[14])
    return tikken / KLOKTIKKEN


def _postgres_pids() -> tuple[list[int], int | None]:
    """Every PostgreSQL process on this machine, and the postmaster among them."""
    pids, postmaster = [], None
    for item in Path("/proc").iterdir():
        if not item.name.isdigit():
            continue
        try:
            naam = (item / "comm").read_text().strip()
        except OSError:
            continue
        if naam == "postgres":
            pid = int(item.name)
            pids.append(pid)
            velden = _stat(pid)
            if velden and _naam_van(int(velden[1])) != "postgres":
                postmaster = pid
    return pids, postmaster


def _naam_van(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_stand(processen: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each named group of processes, by PostgreSQL (every backend,
    and through the postmaster those that ended), and by the whole machine ("totaal", from
    /proc/stat): what a scenario cost each part of the stack is the difference of two."""
    stand = {naam: sum(cpu_s(pid) for pid in pids) for naam, pids in processen.items()}
    pids, postmaster = _postgres_pids()
    stand["postgresql"] = sum(cpu_s(pid, kinderen_ook=pid == postmaster) for pid in pids)
    velden = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    # user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    waarden = [int(v) for v in velden[:8]]
    stand["totaal"] = (sum(waarden) - waarden[3] - waarden[4]) / KLOKTIKKEN
    return stand


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

    @property
    def pids(self) -> list[int]:
        """The process and its workers (whose CPU a scenario costs)."""
        return [self.proces.pid, *self.werkers]

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
                # gunicorn 27's control socket is one per user: another instance (a test's
                # server) would take it over.
                "--no-control-socket",
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
class Belasting:
    """What wrk sends for one scenario (benchmark/wrk.lua reads it as a Lua table)."""

    paden: list[str]
    methode: str = "GET"
    koppen: dict[str, str] = field(default_factory=dict)
    lichaam: str | None = None  # POST body with placeholders (__GETAL__, __CIJFER__, ...)
    categorieen: list[str] = field(default_factory=list)
    eenmalig: bool = False  # every path once (survey links)
    verwacht: int = 200


@dataclass
class Uitslag:
    """One scenario under load: wrk's figures for its requests."""

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
    # CPU milliseconds per request by part of the stack: web (gunicorn), worker (Celery),
    # postgresql, rest (wrk, Redis, the rest of the machine), totaal.
    cpu_ms: dict[str, float] = field(default_factory=dict)
    foutmeldingen: list[str] = field(default_factory=list)


def lua(waarde) -> str:
    """A Python value (str, int, bool, None, list, dict) as a Lua literal. Strings are written
    byte by byte: printable ASCII as is, everything else as a decimal escape."""
    if waarde is None:
        return "nil"
    if isinstance(waarde, bool):
        return "true" if waarde else "false"
    if isinstance(waarde, int | float):
        return repr(waarde)
    if isinstance(waarde, str):
        tekens = []
        for byte in waarde.encode():
            if 32 <= byte < 127 and byte not in (34, 92):
                tekens.append(chr(byte))
            else:
                tekens.append(f"\\{byte:03d}")
        return '"' + "".join(tekens) + '"'
    if isinstance(waarde, list | tuple):
        return "{" + ", ".join(lua(w) for w in waarde) + "}"
    if isinstance(waarde, dict):
        return "{" + ", ".join(f"[{lua(str(k))}] = {lua(v)}" for k, v in waarde.items()) + "}"
    raise TypeError(f"Geen Lua-waarde: {waarde!r}")


def wrk_pad() -> str:
    """The wrk binary (scripts/benchmark installs Debian's package)."""
    pad = shutil.which("wrk")
    if pad is None:
        raise RuntimeError("wrk ontbreekt: apt-get install -y wrk (scripts/benchmark doet dat).")
    return pad


def wrk(
    belastingen: dict[str, Belasting],
    *,
    url: str,
    verbindingen: dict[str, int],
    duur: float,
    draden: int = 2,
) -> dict[str, Uitslag]:
    """Load the server with wrk for `duur` seconds: one wrk process per scenario, all at once
    (a single scenario for a measurement, several for the mixed soak), each with `draden`
    threads (at most its connections) and its number of connections, closed-loop. Returns the
    figures per scenario."""
    programma = wrk_pad()
    seconden = max(1, round(duur))
    with tempfile.TemporaryDirectory(prefix="benchmark-wrk-") as map_:
        processen = {}
        for naam, belasting in belastingen.items():
            aantal = verbindingen[naam]
            threads = max(1, min(draden, aantal))
            configuratie = Path(map_) / f"{naam}.lua"
            configuratie.write_text(
                "return "
                + lua(
                    {
                        "methode": belasting.methode,
                        "paden": belasting.paden,
                        "koppen": belasting.koppen,
                        "lichaam": belasting.lichaam,
                        "categorieen": belasting.categorieen,
                        "eenmalig": belasting.eenmalig,
                        "verwacht": belasting.verwacht,
                    }
                )
                + "\n"
            )
            processen[naam] = subprocess.Popen(
                [
                    programma,
                    "--threads",
                    str(threads),
                    "--connections",
                    str(aantal),
                    "--duration",
                    f"{seconden}s",
                    "--timeout",
                    "10s",
                    "--script",
                    str(WRK_SCRIPT),
                    url,
                    "--",
                    str(configuratie),
                    str(threads),
                    str(secrets.randbelow(2**31)),
                ],
                cwd=BASIS,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        uitslagen = {}
        for naam, proces in processen.items():
            try:
                uit, fout = proces.communicate(timeout=seconden + 60)
            except subprocess.TimeoutExpired:
                proces.kill()
                uit, fout = proces.communicate()
            uitslagen[naam] = wrk_uitslag(
                naam, uit, fout, gebruikers=verbindingen[naam], duur=seconden
            )
        return uitslagen


def wrk_uitslag(naam: str, uit: str, fout: str, *, gebruikers: int, duur: float) -> Uitslag:
    """The figures wrk.lua's done() printed ("uitslag <name> <value>" lines)."""
    waarden: dict[str, float] = {}
    for regel in uit.splitlines():
        delen = regel.split()
        if len(delen) == 3 and delen[0] == "uitslag":
            try:
                waarden[delen[1]] = float(delen[2])
            except ValueError:
                continue
    if "aanvragen" not in waarden:
        raise RuntimeError(f"wrk gaf geen uitslag voor {naam}:\n{(fout or uit)[-3000:]}")
    aanvragen = int(waarden["aanvragen"])
    seconden = waarden.get("duur_us", duur * 1e6) / 1e6 or duur
    socketfouten = int(waarden.get("socketfouten", 0))
    meldingen = [
        f"{int(aantal)}x status {sleutel.removeprefix('status_')}"
        for sleutel, aantal in sorted(waarden.items())
        if sleutel.startswith("status_")
    ]
    if socketfouten:
        meldingen.append(f"{socketfouten}x verbinding (connect/read/write/timeout)")
    if waarden.get("uitgeput"):
        meldingen.append("alle eenmalige paden gebruikt: verhoog het aantal")
    queries = None
    if waarden.get("queries_aantal"):
        queries = round(waarden["queries_som"] / waarden["queries_aantal"], 1)
    return Uitslag(
        scenario=naam,
        gebruikers=gebruikers,
        duur_s=round(seconden, 1),
        aanvragen=aanvragen,
        fouten=int(waarden.get("statusfouten", 0)) + socketfouten,
        per_seconde=round(aanvragen / seconden, 1),
        p50_ms=round(waarden.get("p50_us", 0) / 1000, 1),
        p95_ms=round(waarden.get("p95_us", 0) / 1000, 1),
        p99_ms=round(waarden.get("p99_us", 0) / 1000, 1),
        gemiddeld_ms=round(waarden.get("gemiddeld_us", 0) / 1000, 1),
        queries=queries,
        foutmeldingen=meldingen,
    )
