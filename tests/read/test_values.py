"""Cell normalisation: Excel realities become one text form."""

from __future__ import annotations

import datetime as dt

import pytest

from importer.read.values import clean_text, date_text, normalise, number_text


@pytest.mark.parametrize(
    ("raw", "is_date", "expected"),
    [
        (None, False, None),
        ("", False, None),
        ("  \u00a0 ", False, None),
        ("\u00a0Roads\u00a0", False, "Roads"),
        ("PROTECTED\u00a0A", False, "PROTECTED A"),
        ("\u200bzero width\ufeff", False, "zero width"),
        (2.0, False, "2"),
        (100000.0, False, "100000"),
        (1e5, False, "100000"),
        (12345678901234.0, False, "12345678901234"),
        (0.5, False, "0.5"),
        (1.5e-7, False, "0.00000015"),
        (7, False, "7"),
        (True, False, "TRUE"),
        (False, False, "FALSE"),
        (dt.date(2024, 1, 5), False, "2024-01-05"),
        (dt.datetime(2024, 1, 5), False, "2024-01-05"),
        (dt.datetime(2024, 1, 5, 10, 30), False, "2024-01-05 10:30:00"),
        (dt.datetime(2024, 1, 5, 10, 30), True, "2024-01-05"),
        ("2024/1/5", True, "2024-01-05"),
        ("2024.01.05", True, "2024-01-05"),
        ("2024-01-05T10:00:00", True, "2024-01-05"),
        ("2024-01-05 10:00", True, "2024-01-05"),
        ("2024/1/5", False, "2024/1/5"),
        ("05/01/2024", True, "05/01/2024"),
        ("2024-02-30", True, "2024-02-30"),
        (45292, True, "2024-01-01"),
        (45292.0, True, "2024-01-01"),
        (2024, True, "2024"),
    ],
)
def test_normalise(raw: object, is_date: bool, expected: str | None) -> None:
    assert normalise(raw, is_date) == expected


def test_clean_text_keeps_inner_text() -> None:
    assert clean_text("  a  b ") == "a  b"


@pytest.mark.parametrize(
    ("value", "text"), [(3.0, "3"), (-2.0, "-2"), (1e20, "100000000000000000000")]
)
def test_number_text(value: float, text: str) -> None:
    assert number_text(value) == text


def test_date_text_leaves_non_dates() -> None:
    assert date_text("soon") == "soon"
