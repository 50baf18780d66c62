"""Every service the coverage contract lists for a category is taught in that category's notebook(s)."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT
from nbhelpers import read

CONTRACT = yaml.safe_load((ROOT / "docs" / "seed-services.yaml").read_text())["categories"]
WRITTEN = [c for c in CONTRACT if (ROOT / "source" / c["slug"]).is_dir()]


def _names(entry: str | dict) -> list[str]:
    """The service's name as the contract writes it (before any '(') and its current names."""
    if isinstance(entry, dict):
        (name, extra), = entry.items()
        return [name.split("(")[0].strip(), *(extra or {}).get("also", [])]
    return [entry.split("(")[0].strip()]


def _headings(slug: str) -> str:
    lines = []
    for path in sorted((ROOT / "source" / slug).glob("*.ipynb")):
        for cell in read(path).cells:
            if cell.cell_type == "markdown":
                lines += [line for line in cell.source.splitlines() if re.match(r"#{1,4}\s", line)]
    return "\n".join(lines)


def test_the_contract_names_twelve_categories_and_written_ones_are_found():
    assert len(CONTRACT) == 12
    assert WRITTEN, "at least one category notebook exists"


@pytest.mark.parametrize("category", WRITTEN, ids=[c["slug"] for c in WRITTEN])
def test_every_listed_service_has_a_heading(category):
    headings = _headings(category["slug"])
    missing = [name for entry in category["services"] for name in _names(entry) if name not in headings]
    assert not missing, f"{category['slug']}: no heading names {missing}"


@pytest.mark.parametrize("category", [c for c in WRITTEN if c.get("cross_ref")],
                         ids=[c["slug"] for c in WRITTEN if c.get("cross_ref")])
def test_cross_referenced_services_are_mentioned(category):
    text = "\n".join(cell.source for path in (ROOT / "source" / category["slug"]).glob("*.ipynb")
                     for cell in read(path).cells if cell.cell_type == "markdown")
    missing = [name for name in category["cross_ref"] if name not in text]
    assert not missing, f"{category['slug']}: cross-referenced services not mentioned: {missing}"
