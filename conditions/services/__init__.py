"""Work that spans several models, as plain functions that views, the admin and commands call;
none of them reads a request.

- `workflow`: sign-off, publish, unpublish, submit for review, restore a version;
- `tags`: the tag a typed name stands for, rename, merge;
- `importing`: an article and the shipped vocabulary into content.
"""

from contextlib import contextmanager

from django.db import transaction

from conditions.signals import snapshots_batched
from kneeinfo.cache import changes_batched


@contextmanager
def many_changes():
    """One transaction for many rows: the page cache's generation is bumped once, and each
    item's newest history record gets its links and tags once, instead of at every row."""
    with transaction.atomic(), changes_batched(), snapshots_batched():
        yield
