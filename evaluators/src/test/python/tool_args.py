"""Argument parsing shared by the Python tools (standard library only, so that --help and argument errors need no
venv: the tools import their heavy packages after parsing)."""

import argparse
import sys


class OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line (`PROG: error: ... (see --help)`) and exit code 2, as the Java CLI's usage errors."""

    def error(self, message):
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)
