"""A content item's answers go with it when it is deleted."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete

from conditions.models import content_models
from feedback.models import Feedback


def answers_delete(sender, instance, **kwargs):
    """Delete the answers about a deleted content item.

    A signal rather than a GenericRelation on the content models: through one, the admin would
    refuse to delete a page for anyone without permission to delete its answers.
    """
    content_type = ContentType.objects.get_for_model(sender)
    Feedback.objects.filter(content_type=content_type, object_id=instance.pk).delete()


def connect_signals():
    for model in content_models():
        post_delete.connect(
            answers_delete, sender=model, dispatch_uid=f"feedback-{model._meta.label_lower}"
        )
