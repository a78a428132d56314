"""The README's notebook example, run as written on the real Eurostat file it names."""

from __future__ import annotations

import ast
import re

import pandas as pd

from tests.conftest import REPO


def _notebook_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reading Eurostat files from a notebook", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_notebook_example_finds_data_in_the_real_file(samples_dir, monkeypatch):
    code = _notebook_example()
    tree = ast.parse(code)
    *statements, last = tree.body
    assert isinstance(last, ast.Expr), "the example ends with the expression a notebook would display"
    name = re.search(r'read_observations\("([^"]+)"\)', code).group(1)
    folder = samples_dir / "isoc_e_dii"
    assert (folder / name).is_file(), f"the README names {name}, which ../shared/eurostat-samples/isoc_e_dii lacks"
    monkeypatch.chdir(folder)
    scope: dict = {}
    exec(compile(ast.Module(statements, type_ignores=[]), "README.md", "exec"), scope)
    shown = eval(compile(ast.Expression(last.value), "README.md", "eval"), scope)
    assert isinstance(shown, pd.DataFrame)
    values = shown.dropna(subset=["value"])
    assert len(values) > 0, "the README example selects no value from the real file"
    comment = re.search(r"#\s*(\d{4}): ([\d.]+)\s*$", code.strip().splitlines()[-1])
    if comment:  # the figure the README quotes is the file's
        year, value = int(comment[1]), float(comment[2])
        assert values.loc[values["time_period"] == year, "value"].tolist() == [value]
