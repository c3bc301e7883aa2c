"""Writing rows out: JSON Lines, CSV or Parquet, streamed where the format allows."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from itertools import islice
from typing import IO, Any

FORMATS = ("jsonl", "csv", "parquet")


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: IO) -> int:
    """Write rows to ``out`` (text stream for jsonl/csv, binary for parquet); returns the count."""
    if fmt == "jsonl":
        count = 0
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
        return count
    if fmt == "csv":
        writer = None
        count = 0
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
            count += 1
        return count
    if fmt == "parquet":
        return _write_parquet(rows, out)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _csv_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


PARQUET_CHUNK = 2000


def _write_parquet(rows: Iterable[dict[str, Any]], out: IO) -> int:
    """Parquet in row groups of ``PARQUET_CHUNK`` rows, so an export streams instead of loading all.

    The schema is inferred from the first chunk; a column that is null throughout it (event and
    story before grouping) is typed as string, so later non-null values still fit.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    iterator = iter(rows)
    writer = None
    count = 0
    try:
        while chunk := list(islice(iterator, PARQUET_CHUNK)):
            if writer is None:
                inferred = pa.Table.from_pylist(chunk).schema
                schema = pa.schema(
                    [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in inferred]
                )
                writer = pq.ParquetWriter(out, schema)
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
        if writer is None:
            pq.write_table(pa.table({}), out)
    finally:
        if writer is not None:
            writer.close()
    return count
