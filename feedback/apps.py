from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Patient feedback"

    def ready(self):
        from feedback import signals

        signals.connect_signals()
