"""The engine's value pass (`rules.engine.value_failures`) against Pandera running the same
declared rules (`rules.engine.schema_for`): the same failing cells, for every sheet of every
kind, over frames of realistic values, good and bad, blank and marked.

The pass is the engine's own so that a check pays neither Pandera's start-up nor its cost
per column (issue 16); Pandera stays the reference it must agree with."""

from __future__ import annotations

import random
from datetime import date, datetime

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from ap_sheets.rules.engine import _cell_checks, schema_for, value_failures
from ap_sheets.spec import KINDS
from ap_sheets.table import Table
from ap_sheets.values import ExcelError, UnreadableCell, normalise, upn_check_letter

SHEETS = [(kind.kind, sheet) for kind in KINDS.values() for sheet in kind.sheets]


def pandera_failures(sheet, frames):
    """The failures as Pandera reports them for the same frames (the engine's earlier pass)."""
    out: list[list] = [[] for _ in frames]
    stacked = pd.concat(frames, ignore_index=True)
    ends = np.cumsum([len(f) for f in frames])

    def add(check, key, pos):
        n = int(np.searchsorted(ends, pos, side="right"))
        start = ends[n - 1] if n else 0
        out[n].append((check, key, frames[n].index[pos - start]))

    marked = {}
    for key in stacked.columns:
        for r, value in enumerate(stacked[key].tolist()):
            for cc in _cell_checks():
                if isinstance(value, cc.classes):
                    marked.setdefault((str(key), r), cc)
    schema, named = schema_for(sheet)
    try:
        schema.validate(stacked, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        for check, key, pos in zip(cases["check"], cases["column"], cases["index"]):
            if pos is None or (isinstance(pos, float) and np.isnan(pos)):
                continue
            if (key, int(pos)) not in marked:
                add(None if check == "not_nullable" else named[str(check)], key, int(pos))
    for (key, pos), cc in sorted(marked.items()):
        add(cc, key, pos)
    return out


def raw_values(column) -> list:
    """Raw cells as readers give them: right and wrong for every type, blanks and markers."""
    body = "31220000001"
    upn = upn_check_letter("A" + body) + body
    pool = [
        None, "", "   ", "Y", "N", "y", "maybe", 0, 1, 2.5, -1, 40, 35.0, 1e9, True, "12", "twelve",
        date(2024, 9, 2), datetime(2024, 9, 2, 10, 30), "02/09/2024", "2024-09-02", "31/02/2024", 45500,
        upn, upn.lower(), "A12345678901X", "SW1A 1AA", "sw1a1aa", "not a postcode", "100000", "1000001",
        "10012345", "1001234", "office@provider.org.uk", "office@", "2024/25", "2024/26", "Autumn",
        "95%", 0.95, 1.5, "ZZZZ", ExcelError("#N/A"), ExcelError("#SPILL!"), UnreadableCell(),
    ]  # fmt: skip
    if column.codes is not None:
        codes = list(column.codes.codes)
        pool += [*codes[:3], codes[-1]]
    return pool


def frames_for(sheet, seed: int, n_frames: int = 6, rows: int = 25) -> list[pd.DataFrame]:
    rng = random.Random(seed)
    keys = [c.key for c in sheet.data_columns]
    frames = []
    for f in range(n_frames):
        records = []
        for _ in range(rows if f % 3 else 1):
            record = []
            for column in sheet.data_columns:
                raw = rng.choice(raw_values(column))
                if raw == "" or isinstance(raw, (ExcelError, UnreadableCell)):
                    record.append(raw or None)
                else:
                    record.append(normalise(column, raw))
            records.append(record)
        block = np.empty((len(records), len(keys)), dtype=object)
        block[:] = records
        index = pd.Index(range(5 + f, 5 + f + len(records)), dtype="int64")
        frames.append(pd.DataFrame(block, index=index, columns=keys, dtype=object))
    # A table with every cell filled (no blank or marked cell): the pass's quick path per column.
    records = []
    for _ in range(rows):
        record = []
        for column in sheet.data_columns:
            value = None
            while value is None or isinstance(value, (ExcelError, UnreadableCell)):
                value = normalise(column, rng.choice(raw_values(column)))
            record.append(value)
        records.append(record)
    block = np.empty((len(records), len(keys)), dtype=object)
    block[:] = records
    frames.append(
        pd.DataFrame(block, index=pd.Index(range(100, 100 + rows), dtype="int64"), columns=keys, dtype=object)
    )
    frames.append(pd.DataFrame(np.empty((0, len(keys)), dtype=object), columns=keys, dtype=object))  # an empty table
    return frames


def as_set(failures):
    return [sorted((id(check), key, int(index)) for check, key, index in fails) for fails in failures]


@pytest.mark.parametrize(("kind", "sheet"), SHEETS, ids=[f"{k}:{s.name}" for k, s in SHEETS])
def test_value_pass_agrees_with_pandera(kind, sheet):
    for seed in range(3):
        frames = frames_for(sheet, seed)
        ours = [value_failures(sheet, Table.from_frame(f)) for f in frames]
        pandera = pandera_failures(sheet, frames)
        assert as_set(ours) == as_set(pandera)
        assert sum(map(len, ours)) > 0  # the corpus has failing cells


def test_every_kind_of_failure_is_in_the_corpus():
    """The comparison is not vacuous: value checks, missing required values and marked cells
    all occur."""
    seen = set()
    for _, sheet in SHEETS:
        for frame in frames_for(sheet, 0):
            for check, _, _ in value_failures(sheet, Table.from_frame(frame)):
                seen.add("missing" if check is None else type(check).__name__)
    assert seen == {"missing", "ValueCheck", "CellCheck"}
