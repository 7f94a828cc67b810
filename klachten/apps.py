from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KlachtenConfig(AppConfig):
    name = "klachten"
    verbose_name = _("Klachten")

    def ready(self):
        post_migrate.connect(rollen_inrichten_na_migratie, sender=self)


def rollen_inrichten_na_migratie(sender, **kwargs):
    from klachten.berichten import berichtsjablonen_inrichten
    from klachten.services import rollen_inrichten

    using = kwargs.get("using", "default")
    rollen_inrichten(using=using)
    berichtsjablonen_inrichten(using=using)
