"""The site's URLs plus views that fail on purpose, for the error pages' tests
(tests/klachten/test_foutpaginas.py): the handlers are config.urls' own."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def geweigerd(request):
    raise PermissionDenied


def verdacht(request):
    raise SuspiciousOperation("een verdacht verzoek")


def kapot(request):
    raise RuntimeError("een programmeerfout")


urlpatterns = [
    *[
        path(f"{voorvoegsel}test-fout/{naam}/", view)
        for voorvoegsel in ("", "medewerker/", "api/v1/")
        for naam, view in (("geweigerd", geweigerd), ("verdacht", verdacht), ("kapot", kapot))
    ],
    *urlpatterns,
]
