"""Parquet IO manager (UPathIOManager): local paths or any fsspec URL (s3://, gs://, ...)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from dagster import ConfigurableIOManagerFactory, InputContext, OutputContext, UPathIOManager
from upath import UPath

from pipeline.provenance import DatasetProvenance, ObservedDataset

PROVENANCE_KEY = b"pipeline.provenance"


class _ParquetUPathIOManager(UPathIOManager):
    extension = ".parquet"

    def dump_to_path(self, context: OutputContext, obj: pd.DataFrame | ObservedDataset, path: UPath) -> None:
        if isinstance(obj, ObservedDataset):
            # The observations' provenance is stored beside the frame, under its own key.
            table = pa.Table.from_pandas(obj.frame, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                                   PROVENANCE_KEY: obj.provenance.to_json().encode()})
        else:
            table = pa.Table.from_pandas(obj, preserve_index=False)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("wb") as fh:
            pq.write_table(table, fh, compression="zstd")
        tmp.rename(path)

    def load_from_path(self, context: InputContext, path: UPath) -> pd.DataFrame | ObservedDataset:
        with path.open("rb") as fh:
            table = pq.read_table(fh)
        stored = (table.schema.metadata or {}).get(PROVENANCE_KEY)
        frame = table.to_pandas()
        return frame if stored is None else ObservedDataset(frame, DatasetProvenance.from_json(stored))


class ParquetIOManager(ConfigurableIOManagerFactory):
    """Stores each asset's DataFrame as `<base_path>/<asset key path>[/<partition>].parquet`.

    `base_path` defaults to `<data_dir>/assets`, so that one setting (PIPELINE_DATA_DIR) places both.
    """

    base_path: str = ""
    data_dir: str = ""

    def create_io_manager(self, context) -> _ParquetUPathIOManager:
        if not (self.base_path or self.data_dir):
            raise ValueError("ParquetIOManager needs base_path or data_dir")
        base = UPath(self.base_path) if self.base_path else UPath(self.data_dir).absolute() / "assets"
        return _ParquetUPathIOManager(base_path=base)
