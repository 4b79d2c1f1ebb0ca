"""The importer's worst cases: time, peak memory and outcome of each hostile input.

    DEBUG=true PYTHONPATH=$PWD python bench/importer_worst_cases.py [name ...]

Each input (built in memory by `tests/protocol_import/hostile.py`) is read and extracted in
its own process, under an address-space cap and a timeout, so one bad case cannot take the
machine down nor hide another's peak. Peak memory is the child's maximum resident set minus
what it held before the import (Django and the readers loaded). Nothing is written.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

CAP_BYTES = 3 * 1024**3  # address space of each child; a MemoryError past it
TIMEOUT_SECONDS = 120


def run_one(name: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import bs4  # noqa: F401 (loaded before measuring)
    from django.core.exceptions import ValidationError

    from quartiers.protocol_import import documents, pdf_reader  # noqa: F401 (loaded first)
    from quartiers.protocol_import.services import extract_content
    from tests.protocol_import import hostile

    file_name, build = {**hostile.REFUSED, **hostile.ACCEPTED, **hostile.AT_THE_BOUNDS}[name]
    data = build()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        content = extract_content(name=file_name, data=data)
        outcome = (
            f"read: {len(content.engagements)} engagement(s), {len(content.warnings)} warning(s)"
        )
    except ValidationError as exc:
        outcome = "refused: " + " ".join(exc.messages)
    except MemoryError:
        outcome = "MemoryError"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {
        "name": name,
        "bytes": len(data),
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "outcome": outcome,
    }


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="per input")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    sys.path.insert(0, os.getcwd())
    from tests.protocol_import import hostile

    names = args.names or [*hostile.REFUSED, *hostile.ACCEPTED, *hostile.AT_THE_BOUNDS]
    print(f"{'input':<24}{'size':>10}{'time':>10}{'peak':>10}  outcome")
    for name in names:
        try:
            child = subprocess.run(
                [sys.executable, __file__, "--one", name],
                capture_output=True,
                text=True,
                timeout=args.timeout,
                preexec_fn=_cap,
                check=False,
            )
        except subprocess.TimeoutExpired:
            print(f"{name:<24}{'':>10}{f'>{args.timeout:g} s':>10}{'':>10}  timeout")
            continue
        if child.returncode != 0:
            last = (child.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:<24}{'':>10}{'':>10}{'':>10}  crashed: {last[:100]}")
            continue
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{name:<24}{r['bytes'] / 1024:>8.0f}KB{r['seconds']:>8.2f} s{r['peak_mb']:>7.0f} MB"
            f"  {r['outcome'][:110]}"
        )


if __name__ == "__main__":
    main()
