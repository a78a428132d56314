"""Property-based tests of read_observations on generated SDMX-CSV 1.0 and TSV, valid and broken.

Valid input round-trips every value and flag; broken input either still reads (a mutation can
leave a file valid) or raises the project's own PipelineError, never anything else. Each test
prints how many examples ran (`pytest -s`, or `--hypothesis-show-statistics`).
"""

from __future__ import annotations

import gzip
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import ParseError, PipelineError
from pipeline.eurostat import read_observations
from tests.helpers.eurostat import CODE, HEADER, TANY

EXAMPLES = 250
# pyarrow cannot hand the reader's invalid-row handler a row that is not UTF-8; the reader then
# still raises ParseError (without the line), and pyarrow's swallowed UnicodeDecodeError is noise.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GEOS = ["BE", "DE", "FR", "EU27_2020", "MK", "EL", "LU"]
FLAG_LETTERS = "bdefimnpu"

flags = st.text(alphabet=FLAG_LETTERS, max_size=2)
# A value as Eurostat writes it: up to 3 decimals, or not available.
values = st.one_of(
    st.none(),
    st.tuples(st.integers(-10**7, 10**7), st.integers(0, 3)).map(lambda t: f"{t[0] / 10**t[1]:.{t[1]}f}"),
)
cells = st.tuples(values, flags, st.sampled_from([None, "C", "N", "P"]))


@st.composite
def observations(draw):
    """Distinct (geo, year) keys, each with a value text (or None), flags and a conf status."""
    keys = draw(st.lists(st.tuples(st.sampled_from(GEOS), st.integers(2015, 2025)), min_size=1, max_size=25,
                         unique=True))
    return [(geo, year, *draw(cells)) for geo, year in keys]


def sdmx_body(rows, *, newline: str, bom: bool) -> bytes:
    lines = [HEADER] + [f"ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,{TANY},{geo},{year},{value or ''},{flag},{conf or ''}"
                        for geo, year, value, flag, conf in rows]
    return (b"\xef\xbb\xbf" if bom else b"") + (newline.join(lines) + newline).encode()


@st.composite
def tsv_table(draw):
    """A wide TSV: distinct series (geo) by distinct years, each cell 'value flags' or ': flags'."""
    geos = draw(st.lists(st.sampled_from(GEOS), min_size=1, max_size=6, unique=True))
    years = draw(st.lists(st.integers(2015, 2025), min_size=1, max_size=6, unique=True))
    grid = {(geo, year): (draw(values), draw(st.text(alphabet=FLAG_LETTERS + "c", max_size=2)))
            for geo in geos for year in years}
    return geos, years, grid


def tsv_body(table, *, newline: str) -> bytes:
    geos, years, grid = table
    lines = ["freq,unit,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)]
    for geo in geos:
        cells_text = []
        for year in years:
            value, letters = grid[geo, year]
            cells_text.append(f"{value if value is not None else ':'} {letters}".rstrip() + " ")
        lines.append(f"A,PC_ENT,{geo}\t" + "\t".join(cells_text))
    return (newline.join(lines) + newline).encode()


def same_value(got: float, text: str | None) -> bool:
    return math.isnan(got) if text is None else got == float(text)


def flag_or_none(v) -> str | None:
    return None if pd.isna(v) else v


def report(name: str, count: int, expected: int = EXAMPLES) -> None:
    print(f"\n{name}: {count} examples")
    assert count >= expected, f"{name}: only {count} of {expected} examples ran"


def test_valid_sdmx_csv_round_trips_values_and_flags():
    ran = 0

    @FUZZ
    @given(observations(), st.sampled_from(["\r\n", "\n"]), st.booleans(), st.booleans())
    def check(rows, newline, bom, gzipped):
        nonlocal ran
        ran += 1
        body = sdmx_body(rows, newline=newline, bom=bom)
        df = read_observations(gzip.compress(body) if gzipped else body)
        assert df.attrs["dataset"] == CODE and len(df) == len(rows)
        for got, (geo, year, value, flag, conf) in zip(df.itertuples(), rows):
            assert (got.geo, got.time_period) == (geo, year)
            assert same_value(got.value, value), (got.value, value)
            assert flag_or_none(got.obs_status) == (flag or None)
            assert flag_or_none(got.conf_status) == conf

    check()
    report("valid SDMX-CSV 1.0", ran)


def test_valid_tsv_round_trips_values_and_flags():
    ran = 0

    @FUZZ
    @given(tsv_table(), st.sampled_from(["\r\n", "\n"]))
    def check(table, newline):
        nonlocal ran
        ran += 1
        geos, years, grid = table
        df = read_observations(tsv_body(table, newline=newline), dataset=CODE)
        assert len(df) == len(geos) * len(years)
        for got in df.itertuples():
            value, letters = grid[got.geo, got.time_period]
            assert same_value(got.value, value), (got.value, value)
            # The legacy lower-case 'c' (confidential) becomes conf_status C.
            assert flag_or_none(got.obs_status) == (letters.replace("c", "") or None)
            assert flag_or_none(got.conf_status) == ("C" if "c" in letters else None)

    check()
    report("valid TSV", ran)


@st.composite
def mutated(draw, body: bytes):
    """The body with one of: a slice deleted, bytes inserted, a byte replaced, a cut, a line doubled."""
    kind = draw(st.sampled_from(["delete", "insert", "replace", "cut", "double"]))
    at = draw(st.integers(0, len(body)))
    if kind == "delete":
        return body[:at] + body[at + draw(st.integers(1, 40)):]
    if kind == "insert":
        noise = draw(st.one_of(st.binary(min_size=1, max_size=8),
                               st.sampled_from([b",", b"\t", b'"', b"\n", b"\r", b":", b"\xff", b"\x00", b" x"])))
        return body[:at] + noise + body[at:]
    if kind == "replace" and at < len(body):
        return body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1:]
    if kind == "double":
        lines = body.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        return b"\n".join(lines[: i + 1] + lines[i:])
    return body[:at]


@st.composite
def broken_bodies(draw):
    if draw(st.booleans()):
        body = sdmx_body(draw(observations()), newline="\r\n", bom=False)
    else:
        body = tsv_body(draw(tsv_table()), newline="\n")
    for _ in range(draw(st.integers(1, 3))):
        body = draw(mutated(body))
    return gzip.compress(body) if draw(st.booleans()) else body


def test_broken_input_raises_only_the_projects_own_errors():
    ran, refused = 0, 0

    @settings(FUZZ, max_examples=2 * EXAMPLES)
    @given(st.one_of(broken_bodies(), st.binary(max_size=300)))
    def check(body):
        nonlocal ran, refused
        ran += 1
        try:
            df = read_observations(body, dataset=CODE)
        except PipelineError:
            refused += 1
            return
        assert isinstance(df, pd.DataFrame) and df.attrs["dataset"] == CODE

    check()
    report(f"broken input ({refused} refused with a PipelineError, {ran - refused} still readable)", ran,
           2 * EXAMPLES)
    assert refused > ran // 4  # the generator does break most files


def test_a_row_with_a_field_too_many_is_refused_naming_its_line():
    ran = 0

    @FUZZ
    @given(observations(), st.data())
    def check(rows, data):
        nonlocal ran
        ran += 1
        lines = sdmx_body(rows, newline="\n", bom=False).decode().split("\n")
        i = data.draw(st.integers(1, len(rows)))
        lines[i] += ",extra"
        with pytest.raises(ParseError) as caught:
            read_observations("\n".join(lines).encode())
        assert caught.value.line == i + 1 and "malformed row" in str(caught.value)

    check()
    report("a field too many", ran)
