# Shared by scripts/run and scripts/test (sourced, not run): the virtualenv and the services.
# shellcheck shell=bash

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[1;33m!!! %s\033[0m\n' "$*" >&2; }
die() {
    printf '\033[1;31mXXX %s\033[0m\n' "$*" >&2
    exit 1
}

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"

# Create .venv (Python 3.11) if missing and install the project with the given extras ("" or
# "test"). Skipped when pyproject.toml has not changed since the last install into this venv.
venv_installeren() {
    local extras="$1"
    if [[ ! -x "$PY" ]]; then
        local python=""
        for kandidaat in "${PYTHON:-}" python3.11 python3; do
            if [[ -n "$kandidaat" ]] && command -v "$kandidaat" >/dev/null \
                && "$kandidaat" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
                python="$kandidaat"
                break
            fi
        done
        [[ -n "$python" ]] || die "Python 3.11 is needed (found: $(python3 --version 2>&1)). Install python3.11 or set PYTHON=/path/to/python3.11."
        say "Creating $VENV with $python"
        "$python" -m venv "$VENV" || die "Could not create $VENV (on Debian: apt-get install -y python3-venv)."
    fi
    local doel="."
    [[ -n "$extras" ]] && doel=".[$extras]"
    local merk
    merk="$VENV/.installed-${extras:-run}-$(sha1sum pyproject.toml | cut -c1-12)"
    if [[ ! -f "$merk" ]]; then
        say "Installing the project and its dependencies ($doel)"
        local log
        log="$(mktemp)"
        if ! "$PY" -m pip install -q --disable-pip-version-check -e "$doel" >"$log" 2>&1; then
            grep -v ' is ignored' "$log" >&2 || true
            rm -f "$log"
            die "pip install failed (see above)."
        fi
        grep -v ' is ignored' "$log" || true
        rm -f "$log"
        rm -f "$VENV"/.installed-"${extras:-run}"-*
        touch "$merk"
    fi
}

# --- PostgreSQL --------------------------------------------------------------------------------

PG_STANDAARD_URL="postgres://postgres@127.0.0.1:5432/klachten"

# Does the database server of $1 (a postgres:// URL) accept us? Prints the reason when not.
pg_antwoordt() {
    "$PY" - "$1" <<'EOF'
import sys
import environ
import psycopg2

cfg = environ.Env.db_url_config(sys.argv[1])
try:
    psycopg2.connect(
        host=cfg.get("HOST") or "127.0.0.1", port=cfg.get("PORT") or 5432,
        user=cfg.get("USER") or "postgres", password=cfg.get("PASSWORD") or None,
        dbname="postgres", connect_timeout=3,
    ).close()
except psycopg2.OperationalError as exc:
    print(str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer")
    sys.exit(1)
EOF
}

# Start the local Debian cluster (no systemd here) when it is installed and not running.
pg_starten() {
    command -v pg_ctlcluster >/dev/null || return 1
    local versie
    versie="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)"
    [[ -n "$versie" ]] || return 1
    say "Starting PostgreSQL $versie (cluster main)"
    pg_ctlcluster --skip-systemctl-redirect "$versie" main start || return 1
    for _ in $(seq 1 20); do
        pg_antwoordt "$PG_STANDAARD_URL" >/dev/null && return 0
        sleep 0.5
    done
    return 1
}

# Create the database of $1 if it does not exist yet.
pg_database_maken() {
    "$PY" - "$1" <<'EOF'
import sys
import environ
import psycopg2

cfg = environ.Env.db_url_config(sys.argv[1])
verbinding = psycopg2.connect(
    host=cfg.get("HOST") or "127.0.0.1", port=cfg.get("PORT") or 5432,
    user=cfg.get("USER") or "postgres", password=cfg.get("PASSWORD") or None,
    dbname="postgres", connect_timeout=3,
)
verbinding.autocommit = True
with verbinding.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
    if cursor.fetchone() is None:
        print(f"==> Creating database {cfg['NAME']}")
        cursor.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
verbinding.close()
EOF
}

# Make sure the PostgreSQL of DATABASE_URL (default: local, user postgres, trust auth) answers,
# starting the local cluster when needed. Returns 1 (with the reason in PG_REDEN) when it cannot.
postgres_gereed() {
    local url="${DATABASE_URL:-$PG_STANDAARD_URL}"
    PG_REDEN=""
    if ! PG_REDEN="$(pg_antwoordt "$url")"; then
        if [[ -z "${DATABASE_URL:-}" ]] && pg_starten; then
            PG_REDEN=""
        else
            PG_REDEN="${PG_REDEN:-no answer}"
            return 1
        fi
    fi
    pg_database_maken "$url"
}

# --- Redis -------------------------------------------------------------------------------------

redis_antwoordt() {
    "$PY" - "$1" <<'EOF' 2>/dev/null
import sys
import redis

redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
EOF
}

# Make sure Redis answers at $REDIS_URL / $CELERY_BROKER_URL, starting a local one when installed.
redis_gereed() {
    local url="${CELERY_BROKER_URL:-${REDIS_URL:-redis://127.0.0.1:6379/0}}"
    redis_antwoordt "$url" && return 0
    if [[ -z "${CELERY_BROKER_URL:-}${REDIS_URL:-}" ]] && command -v redis-server >/dev/null; then
        say "Starting Redis on 127.0.0.1:6379"
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
        for _ in $(seq 1 20); do
            redis_antwoordt "$url" && return 0
            sleep 0.25
        done
    fi
    return 1
}
