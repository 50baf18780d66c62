"""course.authoring: reading a question's hidden cases back from its notebook."""

from __future__ import annotations

import pytest
from conftest import ROOT

from course.authoring import check_cell, hidden_cases, notebook, write

TEMPLATE = ROOT / "source" / "10-customer-engagement" / "10-customer-engagement.ipynb"


def test_hidden_cases_come_back_as_data_from_a_notebook_or_its_folder():
    cases = hidden_cases(TEMPLATE, "10.5")
    assert isinstance(cases, list) and cases and all("request" in c for c in cases)
    assert hidden_cases(TEMPLATE.parent, "10.5") == cases
    assert hidden_cases(TEMPLATE, "10.1") == [], "a check cell without hidden tests has none"


def test_a_question_without_a_check_cell_is_a_lookup_error(tmp_path):
    path = write(notebook([check_cell("check-99-1", 'check("99.1", answer_99_1)', 1,
                                      hidden='check("99.1", answer_99_1, hidden={"expected": 3})')]),
                 tmp_path / "99.ipynb")
    assert hidden_cases(path, "99.1") == {"expected": 3}
    with pytest.raises(LookupError, match="check-99-2"):
        hidden_cases(path, "99.2")
