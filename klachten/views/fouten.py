"""The 500 page with the request id (issue 15: logs that help): the customer can quote it, and
the one traceback in the log carries the same id (klachten.logboek)."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django_guid import get_guid


@requires_csrf_token
def serverfout(request):
    """As Django's own server_error: the template without context processors (they may need the
    database that just failed), plus the request id."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"verzoek_id": get_guid()}))
