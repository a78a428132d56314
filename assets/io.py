"""Parquet IO manager (UPathIOManager): local paths or any fsspec URL (s3://, gs://, ...)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from dagster import ConfigurableIOManagerFactory, InputContext, OutputContext, UPathIOManager
from upath import UPath


class _ParquetUPathIOManager(UPathIOManager):
    extension = ".parquet"

    def dump_to_path(self, context: OutputContext, obj: pd.DataFrame, path: UPath) -> None:
        # pandas' attrs (dataset, Eurostat last update, snapshot sha256) travel in the pandas metadata.
        table = pa.Table.from_pandas(obj, preserve_index=False)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("wb") as fh:
            pq.write_table(table, fh, compression="zstd")
        tmp.rename(path)

    def load_from_path(self, context: InputContext, path: UPath) -> pd.DataFrame:
        with path.open("rb") as fh:
            return pq.read_table(fh).to_pandas()


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
