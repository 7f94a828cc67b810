"""Which language a page is in (issue 8: Dutch by default, English complete, French for customers).

Dutch is the source language and English translates everything. French translates only what a
customer sees: the public pages and the e-mails to customers (Belgian customers). Staff pages
have no French catalogue, so a staff page in French would be a patchwork: the strings it shares
with the public pages (statuses, "Telefoon") and Django's own (form errors, dates, the admin)
in French, the rest in Dutch. Hence a staff page never runs in French, and the staff header's
language switch offers only MEDEWERKER_TALEN.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

MEDEWERKER_TALEN = ("nl", "en")
"""The languages the staff pages are translated into."""

MEDEWERKER_PADEN = ("/medewerker/", "/account/", "/admin/")
"""Where the staff pages live (config/urls.py and the apps' urls.py): the work queue, dossiers,
reports and satisfaction dashboard under /medewerker/, login and two-factor pages under
/account/, the beheerder's Django admin under /admin/."""


def is_medewerkerpagina(request: HttpRequest) -> bool:
    return request.path_info.startswith(MEDEWERKER_PADEN)


def talen_voor(request: HttpRequest) -> list[str]:
    """The language codes the language switch offers on this page."""
    codes = [code for code, _naam in settings.LANGUAGES]
    if is_medewerkerpagina(request):
        return [code for code in codes if code in MEDEWERKER_TALEN]
    return codes


class TaalMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie of the language switch, else the browser's
    Accept-Language, else Dutch), except that a staff page in a language staff pages are not
    translated into (a Belgian employee's browser asking for French) falls back to Dutch."""

    def process_request(self, request):
        super().process_request(request)
        if is_medewerkerpagina(request) and translation.get_language() not in MEDEWERKER_TALEN:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE


def klanttaal_activeren(request: HttpRequest, taal: str) -> None:
    """On the pages behind a customer's personal link (status page, survey) the language of the
    complaint or invitation comes before the browser's: the customer filed (or was invited) in
    it and reads our e-mails in it. A language picked with the switch still wins."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    if taal in dict(settings.LANGUAGES):
        translation.activate(taal)
        request.LANGUAGE_CODE = taal
