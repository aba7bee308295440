# SPDX-License-Identifier: GPL-2.0-or-later
"""The tally of a Python checker's checks (check-real-grubby.py,
check-writers.py): how many ran, which failed, each failure printed as it
happens so that a long run shows it at once."""


class Checks:
    def __init__(self, print_at_most=None):
        """print_at_most: failures printed (None: all); the rest are only
        counted, for runs that can fail the same way hundreds of times."""
        self.n = 0
        self.failed = []
        self.print_at_most = print_at_most

    def check(self, ok, what):
        self.n += 1
        if not ok:
            self.failed.append(what)
            if self.print_at_most is None or len(self.failed) <= self.print_at_most:
                print("FAIL:", what, flush=True)
        return ok
