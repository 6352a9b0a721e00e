"""tools/scoring.py: the pieces both evaluation tables share."""

import argparse
import json

import numpy as np
import pytest
import torch

from tools import evaluate as ev
from tools import scoring


def test_mean_sd_is_the_spread_over_seeds():
    assert scoring.mean_sd([1.0, 2.0, 3.0]) == {"mean": 2.0, "sd": 1.0}
    assert scoring.mean_sd([4.0]) == {"mean": 4.0, "sd": 0.0}
    cells = scoring.summary_cells([{"a": 1.0, "b": None}, {"a": 3.0}], ("a", "b"))
    assert cells == {"a": {"mean": 2.0, "sd": pytest.approx(2 ** 0.5)}}


def test_rounded_is_float64_to_four_decimals():
    out = scoring.rounded(torch.tensor([[1.23456], [2.0]]))
    assert out.dtype == np.float64 and out.tolist() == [1.2346, 2.0]


def test_markdown_table_rows_and_missing_cells():
    table = scoring.markdown_table(
        ("m", "x", "y"), [("a", {"x": {"mean": 1.0, "sd": 0.5}})], {"x": 2, "y": 1})
    assert table.splitlines() == ["| m | x | y |", "|---|---:|---:|",
                                  "| a | 1.00 ± 0.50 | – |"]


def test_the_command_line_checks_name_the_bad_value():
    with pytest.raises(ValueError, match="seeds must be a positive integer, got 0"):
        scoring.check_seeds(0)
    with pytest.raises(argparse.ArgumentTypeError, match="got 'x'"):
        scoring.positive_int_arg("x")
    parse = scoring.keys_arg(("a", "b"))
    assert parse("b, a") == ("b", "a")
    with pytest.raises(argparse.ArgumentTypeError, match="list of a, b, got 'c'"):
        parse("c")


def test_both_committed_tables_render_from_their_summaries():
    """One renderer for chapter 5's table and chapter 7's: each committed Markdown
    table is what it makes of the committed summary."""
    for table in ev.TABLES.values():
        result = json.loads(table.out.read_text(encoding="utf-8"))
        for lang, tables in result["table_markdown"].items():
            for region, text in tables.items():
                assert ev.markdown_table(result, region, lang) == text
