from django.apps import AppConfig
from django.db.models.signals import post_delete


class TranslationsConfig(AppConfig):
    name = "translations"
    verbose_name = "Translations"

    def ready(self):
        from translations.sources import TRANSLATABLE

        for model in TRANSLATABLE:
            post_delete.connect(
                translations_delete,
                sender=model,
                dispatch_uid=f"translations-of-{model._meta.label_lower}",
            )


def translations_delete(sender, instance, **kwargs):
    """A deleted English item takes its translations with it: they translate nothing now."""
    from translations.models import Translation

    Translation.objects.filter(
        content_type__app_label=sender._meta.app_label,
        content_type__model=sender._meta.model_name,
        object_id=instance.pk,
    ).delete()
