from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CryptoConfig(AppConfig):
    name = "sambruk.core.crypto"
    label = "crypto"
    verbose_name = _("Fältkryptering")

    def ready(self):
        from django.core import checks

        from .checks import check_keys

        checks.register(check_keys, checks.Tags.security)
