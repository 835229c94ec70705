from django.apps import AppConfig


class KneeinfoConfig(AppConfig):
    name = "kneeinfo"
    verbose_name = "Site"

    def ready(self):
        from kneeinfo import cache

        cache.connect_signals()
