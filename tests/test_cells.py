"""Cell conventions shared by map and export."""

from __future__ import annotations

import pytest

from importer.map.cells import join_list, parse_bool, split_list


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Yes", True), (" y ", True), ("TRUE", True), ("1", True), ("x", True), ("No", False),
     ("n", False), ("false", False), ("0", False), ("maybe", None), ("", None)],
)
def test_parse_bool(text: str, expected: bool | None) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize(
    ("text", "items"),
    [("economy, mental health", ["economy", "mental health"]), (" a ,, b ,", ["a", "b"]),
     ("", [])],
)
def test_split_list(text: str, items: list[str]) -> None:
    assert split_list(text) == items


def test_join_is_inverse_of_split() -> None:
    items = ["economy", "mental health", "roads"]
    assert split_list(join_list(items)) == items
