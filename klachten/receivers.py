"""klachten's signal receivers, connected in KlachtenConfig.ready (as in every app)."""

from __future__ import annotations


def app_ontkoppeld(sender, instance, **kwargs):
    """An unlinked authenticator app ends the sessions that were verified with it."""
    from klachten.toegang import sessies_beeindigen

    if instance.confirmed:
        sessies_beeindigen(medewerker=instance.user)


def inrichten_na_migratie(sender, **kwargs):
    """After every migrate: the roles with their permissions, and the default message texts of
    every registered kind (each only where it is missing)."""
    from klachten import berichten
    from klachten.toegang import rollen_inrichten

    using = kwargs.get("using", "default")
    rollen_inrichten(using=using)
    berichten.berichtsjablonen_inrichten(using=using)
