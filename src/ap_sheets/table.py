"""A sheet's typed values as plain Python lists, one per column, indexed by Excel row.

This is what the rules, the figures and the batch walk. Not a pandas DataFrame: a return's
sheets hold some forty rows, and pandas costs 0.3 s to import on every command that checks,
plus a fixed cost for each frame, column and row walked that is many times the work itself.
`to_frame()` gives the same values as a DataFrame, for analysts and for Pandera (`SheetData.frame`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class Table:
    """Columns of typed values (None where blank) under their column keys, and the Excel row
    (the frame index: 0 for a form sheet's one record) of each position."""

    __slots__ = ("_columns", "_positions", "index", "keys")

    def __init__(self, keys: Sequence[str], index: list[int], columns: Sequence[list]):
        self.keys = tuple(keys)
        self.index = index
        self._columns = dict(zip(self.keys, columns))
        self._positions: dict[int, int] | None = None

    @classmethod
    def from_rows(cls, keys: Sequence[str], index: list[int], rows: list[list]) -> Table:
        """From one list of values per row, in `keys` order."""
        if rows:
            return cls(keys, index, [list(column) for column in zip(*rows)])
        return cls(keys, index, [[] for _ in keys])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Table:
        """From a DataFrame indexed by Excel row (as `to_frame` gives, or an analyst's own)."""
        block = frame.to_numpy(dtype=object)
        keys = [str(k) for k in frame.columns]
        return cls(keys, [int(i) for i in frame.index.tolist()], [block[:, j].tolist() for j in range(len(keys))])

    @property
    def empty(self) -> bool:
        return not self.index

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    def __getitem__(self, key: str) -> list:
        """A column's values, top to bottom (the list itself: do not change it)."""
        return self._columns[key]

    def lists(self, keys: Iterable[str]) -> list[list]:
        return [self._columns[k] for k in keys]

    def at(self, index: int, key: str) -> Any:
        """The value in column `key` on Excel row `index`."""
        if self._positions is None:
            self._positions = {row: pos for pos, row in enumerate(self.index)}
        return self._columns[key][self._positions[index]]

    def record(self, position: int = 0) -> dict[str, Any]:
        """One row as {key: value} (a form sheet's record is position 0)."""
        return {k: column[position] for k, column in self._columns.items()}

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.keys, values)) for values in zip(*self._columns.values())] if self.keys else []

    def to_frame(self) -> pd.DataFrame:
        """The same values as a pandas DataFrame of Python objects, indexed by Excel row."""
        try:
            import numpy as np
            import pandas as pd
        except ImportError as exc:
            raise ImportError('a sheet as a DataFrame needs pandas: pip install "ap-sheets[pandas]"') from exc

        block = np.empty((len(self.index), len(self.keys)), dtype=object)
        for j, column in enumerate(self._columns.values()):
            block[:, j] = column
        return pd.DataFrame(
            block, index=np.array(self.index, dtype=np.int64), columns=pd.Index(list(self.keys)), dtype=object
        )
