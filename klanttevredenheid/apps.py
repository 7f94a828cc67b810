from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KlanttevredenheidConfig(AppConfig):
    name = "klanttevredenheid"
    verbose_name = _("Klanttevredenheid")

    def ready(self):
        from klachten import avg
        from klachten import signals as klachtsignalen
        from klanttevredenheid import services

        # What the survey part keeps about a customer, for their requests for access and erasure.
        avg.bron_registreren(
            avg.Bron(
                sleutel="klanttevredenheid",
                naam=_("Klanttevredenheid"),
                verzamelen=services.avg_verzamelen,
                wissen=services.avg_wissen,
            )
        )

        post_migrate.connect(inrichten_na_migratie, sender=self)
        klachtsignalen.klacht_afgesloten.connect(
            klacht_afgesloten, dispatch_uid="klanttevredenheid.klacht_afgesloten"
        )


def klacht_afgesloten(sender, klacht_id, **kwargs):
    """A closed complaint is a contact moment that may lead to a survey (DESIGN.md section 6)."""
    import logging

    from klanttevredenheid.services import contactmoment_uit_klacht

    try:
        contactmoment_uit_klacht(klacht_id=klacht_id)
    except Exception:  # the complaint is closed either way; this must not turn into an error page
        logging.getLogger(__name__).exception(
            "Contactmoment van klacht %s niet vastgelegd", klacht_id
        )


def inrichten_na_migratie(sender, **kwargs):
    from klanttevredenheid.services import enquetes_inrichten, rechten_inrichten

    using = kwargs.get("using", "default")
    rechten_inrichten(using=using)
    enquetes_inrichten(using=using)
