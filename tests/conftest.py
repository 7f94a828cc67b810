"""Shared fixtures: the organisation (label, afdelingen, categorieën), staff per role, and clients."""

import pytest
from django.core.cache import cache

from klachten import rollen
from tests.factories import AfdelingFactory, CategorieFactory, MedewerkerFactory, standaardlabel


def pytest_configure(config):
    # Whitenoise warns for every request that STATIC_ROOT does not exist: it only exists after
    # collectstatic, which the test run does not need.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning:django")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded attachments go to a fresh directory per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _lege_cache():
    """The rate limit counts in the cache: every test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def label(db):
    return standaardlabel()


@pytest.fixture
def afdeling_a(db):
    return AfdelingFactory(naam="Declaraties", code="declaraties")


@pytest.fixture
def afdeling_b(db):
    return AfdelingFactory(naam="Premie en incasso", code="premie")


@pytest.fixture
def categorie(afdeling_a):
    return CategorieFactory(naam="Declaratie", code="declaratie", afdeling=afdeling_a)


@pytest.fixture
def categorie_b(afdeling_b):
    return CategorieFactory(naam="Premie", code="premie", afdeling=afdeling_b)


@pytest.fixture
def behandelaar(afdeling_a):
    """A klachtbehandelaar of afdeling A."""
    return MedewerkerFactory(
        username="behandelaar", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
    )


@pytest.fixture
def directie(db):
    return MedewerkerFactory(username="directie", rollen=[rollen.DIRECTIE])


@pytest.fixture
def behandelaar_client(client, behandelaar):
    client.force_login(behandelaar)
    return client


@pytest.fixture
def klacht_formulier_data(label, categorie):
    """A valid submission of the public complaint form."""
    return {
        "klant_naam": "Anna de Vries",
        "klant_email": "anna@example.nl",
        "klant_telefoon": "06 12345678",
        "polisnummer": "P-123456",
        "categorie": categorie.pk,
        "omschrijving": "Mijn declaratie van de fysiotherapeut is na zes weken nog niet betaald.",
        "gewenste_oplossing": "Dat de declaratie alsnog wordt vergoed.",
        "privacy_akkoord": "on",
        "website": "",
    }
