"""No delete around the privacy rules (AVG; DESIGN.md section 10): a customer's data leaves only
through klachten.avg (retention, erasure requests) and klanttevredenheid's erasure. Every
registered ModelAdmin is walked (django.contrib.admin.site._registry), so a new admin is found
by itself: if deleting one of its records would delete (itself or through a cascade) a record
that holds a customer's data, the admin refuses the delete, even to a superuser."""

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from klachten.models import Klacht, Status
from klanttevredenheid import services as kto_services
from klanttevredenheid.models import Contactmoment
from tests.factories import MedewerkerFactory, klacht_in_status, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

# The records that are a customer's data; a record pointing to one (a message, an attachment,
# a follow-up of their answer) belongs to that customer too.
BRONNEN = {"klachten.Klacht", "klanttevredenheid.Contactmoment"}
# Records without a customer behind a foreign key that hold what a customer asked: the log of
# access and erasure requests is kept as the proof that they were handled.
OOK = {"klachten.AvgVerzoek"}


def _van_een_klant(model, onderweg=frozenset()) -> bool:
    label = model._meta.label
    if label in BRONNEN | OOK:
        return True
    return any(
        _van_een_klant(veld.related_model, onderweg | {label})
        for veld in model._meta.get_fields()
        if veld.many_to_one or veld.one_to_one
        if veld.concrete and veld.related_model._meta.label not in onderweg
    )


def _mee_verwijderd(model) -> set:
    """The model and every model whose rows a delete of it removes too (on_delete=CASCADE)."""
    gevonden, te_doen = {model}, [model]
    while te_doen:
        for relatie in te_doen.pop()._meta.related_objects:
            if relatie.on_delete is models.CASCADE and relatie.related_model not in gevonden:
                gevonden.add(relatie.related_model)
                te_doen.append(relatie.related_model)
    return gevonden


@pytest.fixture
def superuser_verzoek():
    verzoek = RequestFactory().get("/")
    verzoek.user = MedewerkerFactory(username="super", is_staff=True, is_superuser=True)
    return verzoek


def test_geen_beheer_verwijdert_gegevens_van_een_klant(superuser_verzoek):
    gewalkt = []
    for model, model_admin in admin.site._registry.items():
        klantgegevens = sorted(m._meta.label for m in _mee_verwijderd(model) if _van_een_klant(m))
        naam = type(model_admin).__name__
        if klantgegevens:
            assert not model_admin.has_delete_permission(superuser_verzoek), (naam, klantgegevens)
            assert not model_admin.has_delete_permission(superuser_verzoek, model()), naam
            assert "delete_selected" not in model_admin.get_actions(superuser_verzoek), naam
            gewalkt.append(model._meta.label)
        for inline in model_admin.get_inline_instances(superuser_verzoek):
            if any(_van_een_klant(m) for m in _mee_verwijderd(inline.model)):
                assert not inline.can_delete or not inline.has_delete_permission(
                    superuser_verzoek, model()
                ), (naam, inline.model._meta.label)
    klachten = ("Klacht", "Bericht", "ExterneProcedure", "Leermoment", "Verbeterpunt", "Inzage")
    klachten += ("AvgVerzoek", "Termijnsignaal", "InkomendBericht")
    kto = ("Contactmoment", "Respons", "Opvolging")
    verwacht = {f"klachten.{m}" for m in klachten} | {f"klanttevredenheid.{m}" for m in kto}
    assert verwacht <= set(gewalkt)


def test_wat_geen_klant_raakt_blijft_te_verwijderen(superuser_verzoek):
    """The walk above is no blanket refusal: configuration is still the beheerder's to delete."""
    te_verwijderen = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_delete_permission(superuser_verzoek)
    }
    assert {"klachten.Categorie", "klachten.Oorzaak", "otp_totp.TOTPDevice"} <= te_verwijderen


def test_een_klacht_of_contactmoment_verwijderen_in_het_beheer_gaat_niet(
    client, behandelaar, afdeling_a
):
    client.force_login(MedewerkerFactory(username="super", is_staff=True, is_superuser=True))
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar)
    uitnodiging = verzonden_uitnodiging(behandelaar=behandelaar, afdeling=afdeling_a)
    kto_services.enquete_beantwoorden(token=uitnodiging.token, rapportcijfer=8, nps_score=9)
    moment = uitnodiging.contactmoment

    for object_, naam in ((klacht, "klachten_klacht"), (moment, "klanttevredenheid_contactmoment")):
        url = reverse(f"admin:{naam}_delete", args=[object_.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
        # The list's bulk action is not offered, and posting it deletes nothing.
        lijst = reverse(f"admin:{naam}_changelist")
        assert 'value="delete_selected"' not in client.get(lijst).content.decode()
        client.post(
            lijst,
            {"action": "delete_selected", "_selected_action": [object_.pk], "post": "yes"},
        )

    assert Klacht.objects.filter(pk=klacht.pk).exists()
    assert Contactmoment.objects.filter(pk=moment.pk, respons__isnull=False).exists()
