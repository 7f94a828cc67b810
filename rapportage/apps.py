from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapportageConfig(AppConfig):
    name = "rapportage"
    verbose_name = _("Rapportage")

    def ready(self):
        from klachten import signals as klachtsignalen
        from rapportage import berichtsoorten, receivers

        berichtsoorten.registreren()

        klachtsignalen.klacht_geanonimiseerd.connect(
            receivers.klacht_geanonimiseerd, dispatch_uid="rapportage.klacht_geanonimiseerd"
        )
