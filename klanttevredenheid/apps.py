from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlanttevredenheidConfig(AppConfig):
    name = "klanttevredenheid"
    verbose_name = _("Klanttevredenheid")
