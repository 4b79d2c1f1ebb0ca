"""How a server process tunes Python's cyclic garbage collector once the application is loaded.

Measured with bench/large_call.py (1,000 dossiers): with the defaults, a full collection walks
every object the worker holds (modules, URL patterns, templates) and pauses about one request in
twenty for 50–100 ms, which is the whole gap between the median and the 95th percentile.
Freezing what is loaded takes it out of every later walk (the `gc.freeze` use the Python
documentation describes for servers); a larger first threshold lets a request's short-lived
objects die by reference counting before a collection promotes them, so full collections
become rare. Memory grows by at most the 20,000 objects a young generation may then hold.
"""

import gc

YOUNG_THRESHOLD = 20_000


def tune_collector() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
