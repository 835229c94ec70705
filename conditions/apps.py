from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Clinical content"

    def ready(self):
        from conditions import signals

        signals.connect()
