"""The work queue (issue 3, 17, 19): filters, sortable columns, saved views, several complaints
at once (classify, assign, take, urgency) and "neem in behandeling"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from klachten import kalender, rollen, selectors, services
from klachten.filters import WerkvoorraadFilter
from klachten.forms import ClassificerenMeerFormulier, WeergaveFormulier, WerkvoorraadBulkFormulier
from klachten.jinja import url_sjabloon
from klachten.models import Kanaal, Medewerker, Weergave, keuzenamen
from klachten.paginering import BekendAantalPaginator
from klachten.views.medewerker import medewerker_vereist
from klachten.workflow import ACTIES, NietsGewijzigd, Status, WorkflowFout, mag

# How many matches of a search the queue pages through (40 pages).
ZOEK_TREFFERS = 1000

# What the rows show, the badges and "neem in behandeling" decide on, and the list of closed
# complaints awaiting a choice reads (issue 20: the queue's query read every column of the
# complaint and of five joined rows, a password hash among them; making those objects was a
# quarter of the page's time). A field missing here would be read with a query per row, which
# the query-count tests of the queue would show.
RIJ_VELDEN = (
    "dossiernummer",
    "status",
    "kanaal",
    "ontvangen_op",
    "klant_naam",
    "omschrijving",
    "urgentie",
    "versie",
    "volgende_termijn_datum",
    "eerste_reactie_uiterlijk_op",
    "klantbericht_op",
    "betreft_medewerker_id",
    "label_id",
    "afdeling__naam",
    "categorie__naam",
    "behandelaar__username",
    "behandelaar__first_name",
    "behandelaar__last_name",
    "heroverweging_behandelaar__username",
    "heroverweging_behandelaar__first_name",
    "heroverweging_behandelaar__last_name",
)


@medewerker_vereist
def werkvoorraad(request):
    """The work queue: urgent complaints first, then own ones, then by nearest deadline, or by
    the column chosen; filters, search, counts, saved views, several complaints at once."""
    # The queue shows the second-line handler too (presentation only: one join, no extra query).
    basis = (
        selectors.werkvoorraad(request.user)
        .select_related("heroverweging_behandelaar")
        .only(*RIJ_VELDEN)
    )
    filter_ = WerkvoorraadFilter(request.GET or None, queryset=basis, request=request)
    gefilterd = filter_.qs if filter_.is_bound and filter_.is_valid() else basis
    status = filter_.form.cleaned_data.get("status", "") if filter_.is_bound else ""
    zoek = request.GET.get("zoek", "").strip()
    # The queue is the open work; the closed complaints have their own tab, and a search looks
    # through everything, as does the filter "nieuw bericht van klant": a customer who wrote
    # after the closing waits for the handler's decision (issue 17).
    nieuw_klantbericht = bool(
        filter_.is_bound
        and filter_.is_valid()
        and filter_.form.cleaned_data.get("nieuw_klantbericht")
    )
    alles = bool(status or zoek or nieuw_klantbericht)
    klachten = gefilterd if alles else gefilterd.exclude(status=Status.AFGESLOTEN)
    if zoek:
        # The matches read through the search indexes first (klachten.zoeken), then ordered:
        # asked in the queue's order with LIMIT, PostgreSQL walks the deadline index and filters
        # the whole table whenever it expects many matches (issue 20: a number alone took 1.2 s
        # at 1,000,000 complaints for one match). Beyond ZOEK_TREFFERS the pages stop; the tab
        # counts stay exact.
        treffers = list(klachten.order_by().values_list("pk", flat=True)[:ZOEK_TREFFERS])
        klachten = klachten.filter(pk__in=treffers)
    # The tab counts: of the queue with the other filters; without filters from the counts the
    # database keeps (the usual view, which would otherwise count years of complaints).
    zonder_status = {
        k: v
        for k, v in request.GET.items()
        if k not in ("status", "pagina", "sorteer", "weergave") and v != ""
    }
    if zonder_status:
        aantallen_filter = WerkvoorraadFilter(zonder_status, queryset=basis, request=request)
        aantallen = selectors.aantallen_per_status(
            aantallen_filter.qs if aantallen_filter.is_valid() else basis
        )
    else:
        aantallen = selectors.aantallen_in_werkvoorraad(request.user)
    if status:
        totaal = aantallen.per_status[status]
    else:
        totaal = sum(aantallen.per_status.values()) if alles else aantallen.open
    # The count is known from the tabs: the paginator need not count again.
    paginator = BekendAantalPaginator(
        selectors.werkvoorraad_volgorde(klachten, request.user, status, request.GET.get("sorteer")),
        PER_PAGINA,
        aantal=totaal,
    )
    pagina = paginator.get_page(request.GET.get("pagina"))
    vandaag = kalender.vandaag()
    for klacht in pagina:
        klacht.termijn_badge = selectors.volgende_termijn_badge(klacht, vandaag)
        klacht.kan_nemen = selectors.kan_nemen(klacht, request.user)
    query_zonder_pagina = request.GET.copy()
    query_zonder_pagina.pop("pagina", None)
    query_zonder_status = query_zonder_pagina.copy()
    query_zonder_status.pop("status", None)
    query_zonder_status.pop("te_classificeren", None)
    # The teamleider's tab of complaints that came in by e-mail without categorie and afdeling,
    # with one form to classify several at once.
    ziet_te_classificeren = selectors.ziet_te_classificeren(request.user)
    te_classificeren = ziet_te_classificeren and request.GET.get("te_classificeren") == "true"
    # Above the open work: the closed complaints the customer wrote to again, until the handler
    # has chosen what happens (issue 17).
    wachten_op_keuze = (
        []
        if alles or te_classificeren or request.GET.get("pagina", "1") != "1"
        else selectors.wachten_op_keuze(gefilterd)
    )
    paneel_filters = ("afdeling", "categorie", "kanaal", "behandelaar", "urgentie")
    # Several at once: for those who may assign (not in the classification tab, which has its own).
    bulk = not te_classificeren and mag(request.user, ACTIES["toewijzen"])
    bulk = bulk and not rollen.is_partnerbehandelaar(request.user)
    bulk_form = None
    if bulk:
        bulk_form = WerkvoorraadBulkFormulier(
            prefix=BULK, afdelingen=_eigen_afdelingen(request.user)
        )
        _behandelaars_in_een_keer(filter_.form.fields["behandelaar"], bulk_form)
    weergave_query = weergave_querystring(request.GET)
    weergaven = selectors.weergaven(request.user)
    classificeren_form = (
        ClassificerenMeerFormulier(prefix=CLASSIFICEREN)
        if te_classificeren and mag(request.user, ACTIES["classificeren"])
        else None
    )
    query_volledig = request.GET.urlencode()
    return render(
        request,
        "klachten/werkvoorraad.html",
        {
            "filter": filter_,
            "pagina": pagina,
            "tabs": [(code, naam, aantallen.per_status[code]) for code, naam in Status.choices],
            "totaal": totaal,
            "eerste_tab": sum(aantallen.per_status.values()) if alles else aantallen.open,
            "alles": alles,
            "wachten_op_keuze": wachten_op_keuze,
            "afgesloten_meer": aantallen.afgesloten_meer,
            "totaal_meer": aantallen.afgesloten_meer
            and (status == Status.AFGESLOTEN or (alles and not status)),
            "zoek": zoek,
            "paneel_filters_actief": sum(1 for f in paneel_filters if request.GET.get(f)),
            "query": query_zonder_pagina.urlencode(),
            "kolommen": sorteerkoppen(query_zonder_pagina, request.GET.get("sorteer")),
            "sorteer": request.GET.get("sorteer", "")
            if selectors.sortering(request.GET.get("sorteer"))
            else "",
            "sorteerkeuzes": SORTEERKEUZES,
            "weergaven": weergaven,
            "weergave_query": weergave_query,
            "actieve_weergave": next((w for w in weergaven if w.query == weergave_query), None),
            "weergave_form": WeergaveFormulier(
                auto_id=WEERGAVE_ID, afdelingen=selectors.mag_weergave_delen(request.user)
            ),
            "query_volledig": query_volledig,
            "rijen": _rijen(
                request,
                pagina,
                bulk=bool(bulk_form),
                classificeren_form=classificeren_form,
                query_volledig=query_volledig,
            ),
            "bulk_form": bulk_form,
            "query_zonder_status": query_zonder_status.urlencode(),
            "huidige_status": request.GET.get("status", ""),
            "ziet_te_classificeren": ziet_te_classificeren,
            "aantal_te_classificeren": (
                selectors.aantal_te_classificeren(request.user) if ziet_te_classificeren else 0
            ),
            "te_classificeren": te_classificeren,
            "classificeren_prefix": CLASSIFICEREN,
            "classificeren_form": classificeren_form,
        },
    )


def _rijen(request, pagina, *, bulk: bool, classificeren_form, query_volledig: str) -> str:
    """The table's rows, rendered with Jinja2 (issue 20: a 25-row table through Django's
    template language was most of the page's time; docs/benchmarks.md). The URLs of the rows
    are reversed once for the page."""
    # Jinja2 escaped every value (autoescape is on in the environment).
    return mark_safe(
        engines["jinja2"]
        .get_template("klachten/werkvoorraad_rijen.html")
        .render(
            {
                "pagina": pagina,
                "bulk": bulk,
                "classificeren_naam": (
                    classificeren_form["klachten"].html_name if classificeren_form else ""
                ),
                "query_volledig": query_volledig,
                "kanalen": keuzenamen(Kanaal),
                "statussen": keuzenamen(Status),
                "dossier_url": url_sjabloon("klachten:dossier"),
                "nemen_url": url_sjabloon("klachten:nemen"),
            },
            request,
        )
    )


# The queue's form to classify several complaints: its fields apart from the filters' (afdeling,
# categorie) on the same page.
CLASSIFICEREN = "classificeren"


@medewerker_vereist
@require_POST
def klachten_classificeren(request):
    """Several complaints of the "te classificeren" tab classified at once: each through the same
    service as one by one from the dossier, with a message for each one that was refused."""
    form = ClassificerenMeerFormulier(
        request.POST,
        prefix=CLASSIFICEREN,
        # Any complaint the user sees: one classified meanwhile is refused by the service, with
        # its own message.
        klachten=selectors.klachten_voor(request.user),
    )
    terug = f"{reverse('klachten:werkvoorraad')}?te_classificeren=true"
    if not form.is_valid():
        for naam, fouten in form.errors.items():
            for fout in fouten:
                veld = form.fields.get(naam)
                messages.error(request, f"{veld.label}: {fout}" if veld else fout)
        return redirect(terug)
    gelukt = 0
    for klacht in form.cleaned_data["klachten"].order_by("pk"):
        try:
            services.klacht_classificeren(
                klacht=klacht,
                door=request.user,
                categorie=form.cleaned_data["categorie"],
                afdeling=form.cleaned_data["afdeling"],
            )
        except (WorkflowFout, ValidationError) as exc:
            reden = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(
                request,
                _("Klacht %(nummer)s is niet geclassificeerd: %(reden)s")
                % {"nummer": klacht.dossiernummer, "reden": reden},
            )
        else:
            gelukt += 1
    if gelukt:
        messages.success(
            request,
            ngettext(
                "%(aantal)d klacht is geclassificeerd.",
                "%(aantal)d klachten zijn geclassificeerd.",
                gelukt,
            )
            % {"aantal": gelukt},
        )
    return redirect(terug)


PER_PAGINA = 25
# The queue's form for several complaints has its fields apart from the filters' (behandelaar,
# urgentie) on the same page; the saved view's form its ids.
BULK = "bulk"
WEERGAVE_ID = "weergave_%s"

# The queue's sortable columns, in the order of the table's headers (selectors.SORTEERBAAR
# decides what a key means and which keys are accepted).
KOLOMMEN = [
    ("dossiernummer", gettext_lazy("Dossiernummer")),
    ("klant", gettext_lazy("Klant")),
    ("onderwerp", gettext_lazy("Onderwerp")),
    ("behandelaar", gettext_lazy("Behandelaar / afdeling")),
    ("status", gettext_lazy("Status")),
    ("termijn", gettext_lazy("Termijn")),
]

# The filter panel's sort options: the same orders without clicking a header, and the ones no
# column shows (urgency, date received).
SORTEERKEUZES = [
    ("", gettext_lazy("Standaard: urgent, eigen, eerstvolgende termijn")),
    ("urgentie", gettext_lazy("Urgentie, urgent eerst")),
    ("termijn", gettext_lazy("Termijn, eerstvolgende eerst")),
    ("-termijn", gettext_lazy("Termijn, laatste eerst")),
    ("-ontvangen", gettext_lazy("Ontvangen, nieuwste eerst")),
    ("ontvangen", gettext_lazy("Ontvangen, oudste eerst")),
    ("dossiernummer", gettext_lazy("Dossiernummer")),
    ("klant", gettext_lazy("Klant")),
    ("onderwerp", gettext_lazy("Onderwerp")),
    ("behandelaar", gettext_lazy("Behandelaar")),
    ("status", gettext_lazy("Status")),
]


def sorteerkoppen(query: QueryDict, sorteer: str | None) -> list[dict]:
    """The table's headers: each a link that sorts on its column (ascending; clicked again,
    descending), with aria-sort on the column the queue is sorted by."""
    gekozen = selectors.sortering(sorteer)
    koppen = []
    for sleutel, label in KOLOMMEN:
        actief = gekozen is not None and gekozen[0] == sleutel
        aflopend = actief and gekozen[1]
        link = query.copy()
        link["sorteer"] = f"-{sleutel}" if actief and not aflopend else sleutel
        koppen.append(
            {
                "sleutel": sleutel,
                "label": label,
                "aria_sort": ("descending" if aflopend else "ascending") if actief else "",
                "url": "?" + link.urlencode(),
            }
        )
    return koppen


# What a saved view keeps: the queue's filters and its sort, nothing else: no page number, and
# no search (a customer's name, e-mail or postcode would be personal data kept outside the
# complaint, beyond its retention and the AVG's reach).
WEERGAVE_SLEUTELS = (*(f for f in WerkvoorraadFilter.base_filters if f != "zoek"), "sorteer")


def weergave_querystring(query: QueryDict) -> str:
    """The query string of a saved view: the queue's own parameters that are set, in a fixed
    order (so the view in use is recognised), a sort only when it is one of the columns."""
    schoon = QueryDict(mutable=True)
    for sleutel in WEERGAVE_SLEUTELS:
        for waarde in query.getlist(sleutel):
            waarde = waarde.strip()
            if not waarde or (sleutel == "sorteer" and selectors.sortering(waarde) is None):
                continue
            schoon.appendlist(sleutel, waarde[:200])
    return schoon.urlencode()[: Weergave._meta.get_field("query").max_length]


def _behandelaars_in_een_keer(filterveld, bulk_form) -> None:
    """The filter's behandelaar choices (who handles a complaint) and the bulk form's (whom the
    user may assign to) read in one query: the queue keeps its query count (issue 19)."""
    filter_qs = filterveld.queryset
    bulk_qs = bulk_form.fields["behandelaar"].queryset
    medewerkers = list(
        Medewerker.objects.filter(Q(pk__in=filter_qs.values("pk")) | Q(pk__in=bulk_qs.values("pk")))
        .annotate(
            in_filter=Exists(filter_qs.filter(pk=OuterRef("pk"))),
            in_bulk=Exists(bulk_qs.filter(pk=OuterRef("pk"))),
        )
        .order_by("first_name", "last_name", "username")
    )
    # The widgets get the options (the fields' querysets still validate a posted choice).
    filterveld.widget.choices = [("", filterveld.empty_label)] + [
        (m.pk, str(m)) for m in medewerkers if m.in_filter
    ]
    veld = bulk_form.fields["behandelaar"]
    veld.widget.choices = [("", veld.empty_label)] + [
        (m.pk, str(m)) for m in medewerkers if m.in_bulk
    ]


def _eigen_afdelingen(gebruiker) -> list | None:
    """The afdelingen whose handlers the user assigns to: their own; None for those who see
    every complaint (every afdeling)."""
    return None if rollen.ziet_alle_klachten(gebruiker) else rollen.afdelingen_van(gebruiker)


def _terug(request, klacht=None) -> str:
    """Back to the queue as the user left it (its query string, posted along), or to the
    dossier the form was on."""
    if klacht is not None and request.POST.get("naar") == "dossier":
        return reverse("klachten:dossier", args=[klacht.dossiernummer])
    query = QueryDict(request.POST.get("terug", "")).urlencode()
    return reverse("klachten:werkvoorraad") + (f"?{query}" if query else "")


def _reden(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _versie(request, pk: int) -> int | None:
    """The version of the complaint the user saw on the page: a change meanwhile is refused
    (optimistic locking, as on the dossier)."""
    waarde = request.POST.get(f"versie_{pk}", "")
    return int(waarde) if waarde.isdigit() else None


# At most this many complaints in one bulk action (a page holds 25).
BULK_MAX = 100


@medewerker_vereist
@require_POST
def klachten_bulk(request):
    """Several complaints of the queue at once (issue 19): assign, take or set urgency. Each goes
    through its service on its own (row lock, workflow rules, timeline); afterwards a summary:
    how many were done, how many were so already (NietsGewijzigd), and each refusal with its
    reason."""
    form = WerkvoorraadBulkFormulier(
        request.POST, prefix=BULK, afdelingen=_eigen_afdelingen(request.user)
    )
    terug = _terug(request)
    gekozen = request.POST.getlist("klachten")
    if request.POST.get("alle_op_pagina"):
        gekozen = request.POST.getlist("op_pagina")
    pks = sorted({int(pk) for pk in gekozen if pk.isdigit()})[:BULK_MAX]
    if not pks:
        messages.error(request, _("Kies eerst een of meer klachten."))
        return redirect(terug)
    if not form.is_valid():
        for naam, fouten in form.errors.items():
            for fout in fouten:
                veld = form.fields.get(naam)
                messages.error(request, f"{veld.label}: {fout}" if veld else fout)
        return redirect(terug)
    actie = form.cleaned_data["actie"]
    klachten = {k.pk: k for k in selectors.klachten_voor(request.user).filter(pk__in=pks)}
    gedaan = al_zo = 0
    for pk in pks:
        klacht = klachten.get(pk)
        if klacht is None:
            messages.error(request, _("Een gekozen klacht bestaat niet (meer) voor u."))
            continue
        try:
            _bulk_actie(request, klacht, form.cleaned_data, actie)
        except NietsGewijzigd:
            al_zo += 1
        except (WorkflowFout, ValidationError) as exc:
            messages.error(
                request,
                _("%(nummer)s: niet gedaan: %(reden)s")
                % {"nummer": klacht.dossiernummer, "reden": _reden(exc)},
            )
        else:
            gedaan += 1
    if gedaan:
        messages.success(
            request,
            ngettext(
                "%(aantal)d klacht is bijgewerkt.", "%(aantal)d klachten zijn bijgewerkt.", gedaan
            )
            % {"aantal": gedaan},
        )
    if al_zo:
        messages.info(
            request,
            ngettext(
                "%(aantal)d klacht was al zo; er is niets gewijzigd.",
                "%(aantal)d klachten waren al zo; er is niets gewijzigd.",
                al_zo,
            )
            % {"aantal": al_zo},
        )
    return redirect(terug)


def _bulk_actie(request, klacht, data: dict, actie: str) -> None:
    versie = _versie(request, klacht.pk)
    if actie == WerkvoorraadBulkFormulier.URGENTIE:
        services.urgentie_wijzigen(
            klacht=klacht, door=request.user, urgentie=data["urgentie"], versie=versie
        )
        return
    if klacht.afdeling_id is None:
        raise ValidationError(_("Deze klacht heeft nog geen afdeling: classificeer haar eerst."))
    behandelaar = request.user if actie == WerkvoorraadBulkFormulier.NEMEN else data["behandelaar"]
    services.toewijzen(
        klacht=klacht,
        door=request.user,
        afdeling=klacht.afdeling,
        behandelaar=behandelaar,
        versie=versie,
    )


@medewerker_vereist
@require_POST
def klacht_nemen(request, dossiernummer):
    """Neem in behandeling (issue 19): the user assigns the complaint to themselves, through the
    same service as any assignment (services.toewijzen checks they work in its afdeling). Taken
    by someone else meanwhile: refused (the version the page showed)."""
    klacht = get_object_or_404(selectors.klachten_voor(request.user), dossiernummer=dossiernummer)
    versie = _versie(request, klacht.pk)
    if not selectors.kan_nemen(klacht, request.user):
        messages.error(
            request,
            _("%(nummer)s kunt u niet in behandeling nemen.") % {"nummer": klacht.dossiernummer},
        )
        return redirect(_terug(request, klacht))
    try:
        services.toewijzen(
            klacht=klacht,
            door=request.user,
            afdeling=klacht.afdeling,
            behandelaar=request.user,
            versie=versie,
        )
    except NietsGewijzigd:
        pass
    except (WorkflowFout, ValidationError) as exc:
        messages.error(
            request,
            _("%(nummer)s: niet gedaan: %(reden)s")
            % {"nummer": klacht.dossiernummer, "reden": _reden(exc)},
        )
        return redirect(_terug(request, klacht))
    messages.success(request, _("U behandelt nu %(nummer)s.") % {"nummer": klacht.dossiernummer})
    return redirect(_terug(request, klacht))


@medewerker_vereist
@require_POST
def weergave_opslaan(request):
    """Save the queue's filters and sort as a named view (issue 19); a teamleider may share it
    with the team of one of their afdelingen. The same name again replaces the user's own."""
    afdelingen = selectors.mag_weergave_delen(request.user)
    form = WeergaveFormulier(request.POST, auto_id=WEERGAVE_ID, afdelingen=afdelingen)
    query = weergave_querystring(QueryDict(request.POST.get("query", "")))
    if not form.is_valid():
        return _weergave_fout(request, form)
    afdeling_id = form.cleaned_data.get("afdeling") or None
    if afdeling_id is not None and afdeling_id not in {a.pk for a in afdelingen}:
        raise PermissionDenied
    weergave, _nieuw = Weergave.objects.update_or_create(
        eigenaar=request.user,
        naam=form.cleaned_data["naam"].strip(),
        defaults={"query": query, "afdeling_id": afdeling_id},
    )
    messages.success(request, _("De weergave “%(naam)s” is opgeslagen.") % {"naam": weergave.naam})
    return redirect(reverse("klachten:werkvoorraad") + (f"?{query}" if query else ""))


def _weergave_fout(request, form):
    """A name the form refused (empty, too long, a NUL byte): the form again, with its error."""
    return render(
        request,
        "klachten/weergave_formulier.html",
        {"form": form, "terug": _terug(request)},
        status=400,
    )


def _eigen_weergave(request, pk: int) -> Weergave:
    """Only its owner renames or deletes a view; a shared one is read-only for the team."""
    return get_object_or_404(Weergave, pk=pk, eigenaar=request.user)


@medewerker_vereist
@require_POST
def weergave_hernoemen(request, pk):
    weergave = _eigen_weergave(request, pk)
    form = WeergaveFormulier(request.POST, auto_id=WEERGAVE_ID)
    if not form.is_valid():
        return _weergave_fout(request, form)
    naam = form.cleaned_data["naam"]
    if Weergave.objects.filter(eigenaar=request.user, naam=naam).exclude(pk=pk).exists():
        messages.error(request, _("U hebt al een weergave met die naam."))
    else:
        weergave.naam = naam
        weergave.save(update_fields=["naam"])
        messages.success(request, _("De weergave heet nu “%(naam)s”.") % {"naam": naam})
    return redirect(_terug(request))


@medewerker_vereist
@require_POST
def weergave_verwijderen(request, pk):
    weergave = _eigen_weergave(request, pk)
    weergave.delete()
    messages.success(request, _("De weergave “%(naam)s” is verwijderd.") % {"naam": weergave.naam})
    return redirect(_terug(request))
