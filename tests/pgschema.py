"""A PostgreSQL schema of one's own: tests and benchmarks share the test database without meeting."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def pg_schema(url: str, *, prefix: str = "t", keep: bool = False) -> Iterator[str]:
    """A URL of ``url``'s database whose search path is a new, empty schema, dropped afterwards
    (unless ``keep``)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        if keep:
            print(f"kept schema {schema}")
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
