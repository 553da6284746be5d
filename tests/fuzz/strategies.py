"""Hypothesis strategies for hostile input, in one place for the fuzz targets and
``benchmarks/fuzz_run.py``: text (:mod:`tests.fuzz.texts`), input files (:mod:`tests.fuzz.files`),
URLs and paths (:mod:`tests.fuzz.addresses`).
"""

from __future__ import annotations

from tests.fuzz.addresses import fuzz_inputs, hostile_path, hostile_url
from tests.fuzz.files import FuzzFile, document, file_bytes, fuzz_file, fuzz_files
from tests.fuzz.texts import fit_utf16, hostile_text, repeated, utf16_len

__all__ = [
    "FuzzFile",
    "document",
    "file_bytes",
    "fit_utf16",
    "fuzz_file",
    "fuzz_files",
    "fuzz_inputs",
    "hostile_path",
    "hostile_text",
    "hostile_url",
    "repeated",
    "utf16_len",
]
