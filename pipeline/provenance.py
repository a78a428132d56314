"""Where each released dataset came from, as a typed value passed from the observations to the release.

The observations step knows the snapshot it read (url, retrieval time, digest, bytes) and the file
it parsed (format, Eurostat's last update, rows); the release records exactly that in
`manifest.json` and in each observations Parquet file. Passing it as one frozen value, rather than
in `DataFrame.attrs`, means a step that forgets it fails at once instead of publishing a blank.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

import pandas as pd

from pipeline.errors import ReleaseError

# The manifest's fields for every input, in the contract's order (DESIGN.md), then `source`.
INPUT_FIELDS = ("url", "retrieved_at", "eurostat_last_update", "sha256", "bytes", "rows")


@dataclass(frozen=True)
class DatasetProvenance:
    """One input dataset: the snapshot it was read from and what its file said."""

    dataset: str
    url: str
    retrieved_at: str
    eurostat_last_update: str | None
    sha256: str
    bytes: int
    rows: int
    source: str  # "eurostat" or "sample": which store the snapshot came from
    format: str | None = None  # the reader's name for the file format (sdmx-csv-1.0, tsv, ...)

    def __post_init__(self) -> None:
        empty = [f for f in ("dataset", "url", "retrieved_at", "sha256", "source") if not getattr(self, f)]
        if empty:
            raise ReleaseError(f"inputs: dataset {self.dataset or '?'}: empty provenance field(s) {empty}")
        for name in ("bytes", "rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ReleaseError(f"inputs: dataset {self.dataset}: {name} must be a count, not {value!r}")

    @classmethod
    def of_snapshot(cls, snapshot: Any, frame: pd.DataFrame) -> "DatasetProvenance":
        """The provenance of `frame`, read from the raw `snapshot` (a pipeline.snapshots.Snapshot): Eurostat's
        last update as the file states it, else as the catalogue stated it when the snapshot was taken."""
        info = snapshot.provenance
        return cls(dataset=snapshot.dataset, url=info["url"], retrieved_at=info["retrieved_at"],
                   eurostat_last_update=frame.attrs.get("eurostat_last_update") or snapshot.eurostat_last_update,
                   sha256=snapshot.sha256, bytes=info["bytes"], rows=len(frame), source=snapshot.source,
                   format=frame.attrs.get("format"))

    def manifest_record(self) -> dict[str, Any]:
        """The entry under `inputs.<dataset>` in manifest.json."""
        return {f: getattr(self, f) for f in INPUT_FIELDS} | {"source": self.source}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> "DatasetProvenance":
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ReleaseError(f"stored provenance of {data.get('dataset', '?')}: unknown field(s) {unknown}")
        return cls(**data)


@dataclass(frozen=True)
class ObservedDataset:
    """A dataset's validated observations and where they came from: what the observations assets hand on."""

    frame: pd.DataFrame
    provenance: DatasetProvenance


def frames_and_provenance(observed: Mapping[str, ObservedDataset]
                          ) -> tuple[dict[str, pd.DataFrame], dict[str, DatasetProvenance]]:
    """Split `{code: ObservedDataset}` into the frames the computations read and the provenance the release records."""
    bad = sorted(code for code, o in observed.items() if not isinstance(o, ObservedDataset))
    if bad:
        raise ReleaseError(f"observations of {bad} arrived without their provenance (expected ObservedDataset)")
    return ({code: o.frame for code, o in observed.items()},
            {code: o.provenance for code, o in observed.items()})
