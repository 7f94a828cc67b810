from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KlanttevredenheidConfig(AppConfig):
    name = "klanttevredenheid"
    verbose_name = _("Klanttevredenheid")

    def ready(self):
        from klachten import avg, dossierpanelen
        from klachten import signals as klachtsignalen
        from klanttevredenheid import berichtsoorten, receivers, selectors, services

        berichtsoorten.registreren()

        # What the survey part keeps about a customer, for their requests for access and erasure.
        avg.bron_registreren(
            avg.Bron(
                sleutel="klanttevredenheid",
                naam=_("Klanttevredenheid"),
                verzamelen=services.avg_verzamelen,
                wissen=services.avg_wissen,
            )
        )

        # The customer's survey answer on the complaint's dossier, for those who see results.
        dossierpanelen.paneel_registreren(
            "klanttevredenheid",
            dossierpanelen.Dossierpaneel(
                sjabloon="klanttevredenheid/_dossierpaneel.html",
                inhoud=selectors.dossierpaneel,
            ),
        )

        post_migrate.connect(receivers.inrichten_na_migratie, sender=self)
        klachtsignalen.klacht_afgesloten.connect(
            receivers.klacht_afgesloten, dispatch_uid="klanttevredenheid.klacht_afgesloten"
        )
        klachtsignalen.klacht_geanonimiseerd.connect(
            receivers.klacht_geanonimiseerd, dispatch_uid="klanttevredenheid.klacht_geanonimiseerd"
        )
