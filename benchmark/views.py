"""The baseline: what the stack itself costs (gunicorn, Django's middleware, PostgreSQL), for the
two hottest paths. Our pages are reported as a ratio to these.

- `invoegen`: a POST with a CSRF token that does one INSERT and redirects (for the public form);
- `lijst`: one indexed SELECT of 25 complaints rendered as a table (for the work queue).
"""

from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template import engines
from django.views.decorators.http import require_http_methods

from klachten.models import Klacht

TABEL = "benchmark_basislijn"
TABEL_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABEL} (
    id bigserial PRIMARY KEY,
    tekst text NOT NULL,
    created_at timestamptz NOT NULL
)
"""

_LIJST = engines["django"].from_string(
    "<!doctype html><title>basislijn</title><table>{% for k in klachten %}<tr>"
    "<td>{{ k.dossiernummer }}</td><td>{{ k.klant_naam }}</td><td>{{ k.status }}</td>"
    "<td>{{ k.volgende_termijn_datum|default:'' }}</td></tr>{% endfor %}</table>"
)


@require_http_methods(["GET", "POST"])
def invoegen(request):
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABEL} (tekst, created_at) VALUES (%s, now())",
                [request.POST.get("tekst", "")],
            )
        return redirect(request.path)
    return HttpResponse(
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{get_token(request)}"><input name="tekst"></form>'
    )


def lijst(request):
    klachten = Klacht.objects.order_by("-pk").values(
        "dossiernummer", "klant_naam", "status", "volgende_termijn_datum"
    )[:25]
    return HttpResponse(_LIJST.render({"klachten": klachten}))
