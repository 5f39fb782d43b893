"""Python's cycle collector, as moneymen's own processes set it.

Screening fills large caches of objects that live as long as the process: analysed names and
the candidates decoded from the index. With Python's default thresholds a full collection runs
each time the long-lived objects have grown by a quarter, and it rescans all of them: on a first
pass of 2,000 queries against 100,000 entities, nine full collections took 2.4 of 12 seconds.
The ``moneymen`` command makes full collections rare; young objects are still collected as often
as Python collects them by default (a small young generation stays in the processor's caches),
so short-lived cycles do not pile up. Code that imports moneymen as a library keeps its own settings.
"""

from __future__ import annotations

import gc

#: Collections of the middle generation between two full collections (Python's default: 10).
FULL_COLLECTION_EVERY = 1000


def collect_rarely() -> None:
    """Make full collections of this process rare (see the module's text); the young and middle
    generations keep their thresholds."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
