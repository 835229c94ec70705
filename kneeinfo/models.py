from django.db import models


class ContentGeneration(models.Model):
    """One row counting content changes, for processes whose cache is private to each of them.

    With a shared cache (Redis) the counter lives there. With a local-memory cache every worker
    keeps its own copies, so the counter must be somewhere all of them read: here, bumped in the
    same transaction as the change, so no worker can see the change without the new count.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content generation"

    def __str__(self):
        return f"content generation {self.value}"
