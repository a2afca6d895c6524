"""What the interop scripts share: `@check(name)` runs a check and prints PASS or FAIL with the
client's own error (or SKIP with the reason, when the check calls `skip`), `expect` asserts,
`raises` returns the exception a call must raise, `finish` prints the tally and exits with the
number of failures. Imported by the scripts beside it (Python puts a script's folder on `sys.path`)."""

import sys
import traceback
from typing import List

FAILURES: List[str] = []
SKIPPED: List[str] = []


class Skipped(Exception):
    """Raised by `skip`: the check could not run here (not a pass, not a failure)."""


def skip(reason: str):
    raise Skipped(reason)


def check(name):
    def wrap(fn):
        try:
            fn()
            print(f"PASS {name}")
        except Skipped as why:
            SKIPPED.append(name)
            print(f"SKIP {name}: {why}")
        except Exception as err:  # noqa: BLE001 - report everything
            FAILURES.append(name)
            print(f"FAIL {name}: {type(err).__name__}: {err}")
            traceback.print_exc(limit=2, file=sys.stdout)
        return fn

    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def raises(kind, call):
    """The `kind` exception `call()` raises (an AssertionError when it raises none)."""
    try:
        call()
    except kind as err:
        return err
    raise AssertionError(f"no {kind.__name__} raised")


def finish(client_name: str, version: str):
    """Prints the tally and exits with the number of failures (0 = client and emulator agree)."""
    skipped = f", {len(SKIPPED)} skipped: {SKIPPED}" if SKIPPED else ""
    print(f"{client_name} {version}; {len(FAILURES)} failure(s): {FAILURES}{skipped}")
    sys.exit(len(FAILURES))
