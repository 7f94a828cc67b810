from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class KlachtenConfig(AppConfig):
    name = "klachten"
    verbose_name = _("Klachten")

    def ready(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from klachten import berichten, configuratie, receivers
        from klachten.workflow import BerichtSoort

        # klachten's messages; the notices to staff are internal (never on the status page).
        berichten.soorten_registreren(
            BerichtSoort,
            jablonen=Path(__file__).parent / "berichtsjablonen",
            intern={BerichtSoort.MELDING_BEHANDELAAR, BerichtSoort.TERMIJNSIGNAAL},
        )
        configuratie.signalen_verbinden()
        post_migrate.connect(receivers.inrichten_na_migratie, sender=self)
        post_delete.connect(
            receivers.app_ontkoppeld, sender=TOTPDevice, dispatch_uid="klachten_app_weg"
        )
