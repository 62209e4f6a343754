"""Run `ap-sheets ...` with faults injected into the reader, for tests that need a separate
process (kill -9, a dead worker, a full disk). Not a test module.

The patching is at the top level on purpose: under the spawn start method each worker runs
this file again (as `__mp_main__`), so the workers get the same faults.

AP_SHEETS_TEST_FAULT=1 makes `read_workbook` misbehave on a file whose name contains
`crash` (the process aborts, as a native crash in the reader would) or `slow` (it sleeps for
ten minutes, after writing a file named after its pid into AP_SHEETS_TEST_MARKERS).
AP_SHEETS_TEST_EXECUTABLE: `multiprocessing.set_executable` (spawn runs that for workers).
"""

import multiprocessing
import os
import time

if os.environ.get("AP_SHEETS_TEST_EXECUTABLE"):
    multiprocessing.set_executable(os.environ["AP_SHEETS_TEST_EXECUTABLE"])

if os.environ.get("AP_SHEETS_TEST_FAULT"):
    import ap_sheets.validate as _validate

    _real_read = _validate.read_workbook

    def _faulty_read(path, *args, **kwargs):
        name = os.path.basename(str(path))
        if "crash" in name:
            os.abort()
        if "slow" in name:
            markers = os.environ.get("AP_SHEETS_TEST_MARKERS")
            if markers:
                with open(os.path.join(markers, str(os.getpid())), "w") as f:
                    f.write(name)
            time.sleep(600)
        return _real_read(path, *args, **kwargs)

    _validate.read_workbook = _faulty_read

if __name__ == "__main__":
    import sys

    from ap_sheets.cli import main

    sys.exit(main())
