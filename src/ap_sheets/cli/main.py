"""The `ap-sheets` Click group that every command module adds its commands to."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ap-sheets")
def main():
    """Collect, check and consolidate alternative provision (AP) returns."""


def run() -> None:
    """The console script: the Click group, then a quick exit.

    Python's own teardown frees every object one at a time: ~0.3 s after a batch, for
    nothing, since the operating system frees a finished process's memory at once. So once
    the command is done, the exit handlers run and the output is flushed as at a normal
    exit, and the process ends without that teardown. (Only when no other thread is
    running: otherwise it exits the normal way, which waits for them.)
    """
    import atexit
    import contextlib
    import os
    import sys
    import threading

    try:
        main()
        code: int = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): printed as Python would
            print(exc.code, file=sys.stderr)
            code = 1
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`ap-sheets rules | head`)
            stream.flush()
    os._exit(code)
