from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RapportageConfig(AppConfig):
    name = "rapportage"
    verbose_name = _("Rapportage")

    def ready(self):
        from klachten import paginalinks
        from klachten import signals as klachtsignalen
        from rapportage import berichtsoorten, receivers

        berichtsoorten.registreren()

        # The complaint procedure page links to what was learned: the public annual report.
        paginalinks.link_registreren(paginalinks.JAARVERSLAG, jaarverslag_url)

        klachtsignalen.klacht_geanonimiseerd.connect(
            receivers.klacht_geanonimiseerd, dispatch_uid="rapportage.klacht_geanonimiseerd"
        )


def jaarverslag_url(label) -> str:
    """The label's public annual complaints report (the default label's without its slug)."""
    if label.is_standaard:
        return reverse("rapportage:publiek")
    return reverse("rapportage:publiek-label", kwargs={"label_slug": label.slug})
