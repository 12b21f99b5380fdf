"""Load a batch's rows from PostgreSQL into a pandas DataFrame."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from govwatch.store.db import Store


def load_frame(store: Store, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run ``sql`` and return its rows (column names kept even when there are none)."""
    with store.tx() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
        columns = [d.name for d in cur.description or ()]
    frame = pd.DataFrame.from_records([dict(r) for r in rows], columns=columns)
    for col in frame.columns:
        # numeric(…) arrives as Decimal; GX compares numbers, and Decimal vs float min/max misbehaves.
        if frame[col].map(lambda v: isinstance(v, Decimal)).any():
            frame[col] = frame[col].map(lambda v: float(v) if isinstance(v, Decimal) else v)
    return frame
