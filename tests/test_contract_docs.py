"""The README's column lists are the contract's (schemas/tables.py): regenerate with `python -m schemas.tables`."""

from __future__ import annotations

from pathlib import Path

from schemas.tables import TABLES, markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_lists_every_published_column_as_the_contract_defines_it():
    text = README.read_text(encoding="utf-8")
    for name, model in TABLES.items():
        assert markdown(model) in text, f"README's {name} columns differ from schemas/tables.py"
