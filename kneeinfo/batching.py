"""Work that each write of a row would do at once, collected and done once after many writes."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def batched(pending, flush):
    """Within this block, `pending.get()` is a dict for signal receivers to note work in instead
    of doing it; on the way out, `flush(notes)` does it once, if anything was noted.

    `pending` is a ContextVar defaulting to None: outside a block receivers act at once. The block
    runs inside transaction.atomic(). An error inside it marks that transaction for rollback,
    even where the caller catches the error, so rows are never committed without their work;
    nothing is flushed when the transaction is to be rolled back. A nested block leaves the work
    to the outermost.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A batch of changes must run inside transaction.atomic()")
    if pending.get() is not None:
        yield
        return
    notes = {}
    token = pending.set(notes)
    try:
        yield
    except BaseException:
        transaction.set_rollback(True)
        raise
    finally:
        pending.reset(token)
    if notes and not transaction.get_rollback():
        flush(notes)
