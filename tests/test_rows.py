"""pipeline.rows gives what DataFrame.itertuples gives: the same values, names and order."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipeline.rows import rows


def test_rows_match_itertuples_with_missing_values_of_every_kind():
    frame = pd.DataFrame({
        "geo": ["BE", "NL", None], "value": [34.54, np.nan, 1.0],
        "rank": pd.array([4, None, 2], dtype="Int64"), "obs_status": ["b", None, ""],
    }, index=[7, 3, 9])
    got, expected = list(rows(frame)), list(frame.itertuples(index=False))
    assert [r._fields for r in got] == [e._fields for e in expected]
    for g, e in zip(got, expected):
        for a, b in zip(g, e):
            assert (a is b) or a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), (a, b)
    assert got[1].rank is pd.NA and got[0].value == 34.54


def test_rows_of_an_empty_table_is_empty():
    assert list(rows(pd.DataFrame({"geo": []}))) == []
