from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreport_parser.glued import (
    AMBIGUITY_CAP,
    SEARCH_STEPS,
    SPLIT_LIMIT,
    GluedRow,
    enumerate_splits,
    solve_simple,
    solve_table3,
    solve_table4,
    split_row,
    strip_next_ordinal,
)

SAMPLE_012 = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "github" / "012.txt"

LEAF_ROWS = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_three_safety_one_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_case_file",
    "denied_administrative_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear_after_correction",
    "not_processed_petition_complaint",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_mass_repeated",
    "not_processed_confirm_or_reissue",
    "other_no_correction",
    "other_fee_unpaid",
    "other_misc",
    "results_total",
    "carried_forward",
)
RESULT_LEAVES = LEAF_ROWS[2:23]


def _solve(rows: list[GluedRow]):  # type: ignore[no-untyped-def]
    return solve_table3(rows, leaf_rows=LEAF_ROWS, results_leaf_rows=RESULT_LEAVES)


def _table_012_runs() -> list[str]:
    """The 25 digit runs of 012's table 三, cut at the labels and stripped of the next item number, as a caller does."""
    text = SAMPLE_012.read_text(encoding="utf-8")
    body = text[text.index("一、本年新收") : text.index("四、政府信息公开行政法")]
    runs = []
    for match in re.finditer(r"(\d+)(?=\d\.|[（(一二三四]|\s*$)", body):
        runs.append(match.group(1))
    return runs


# -- split_row -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("713000074", (71, 3, 0, 0, 0, 0, 74)),
        ("1000001", (1, 0, 0, 0, 0, 0, 1)),
        ("210000021", (21, 0, 0, 0, 0, 0, 21)),
        ("8100009", (8, 1, 0, 0, 0, 0, 9)),
        ("370000037", (37, 0, 0, 0, 0, 0, 37)),
        ("723000075", (72, 3, 0, 0, 0, 0, 75)),
        ("0200002", (0, 2, 0, 0, 0, 0, 2)),
        ("0000000", (0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_012_rows_split_uniquely_by_their_own_total(digits: str, expected: tuple[int, ...]) -> None:
    assert split_row(digits, 7, total_last=True) == (expected,)


def test_leading_zero_is_never_part_of_a_number() -> None:
    # '0101' could be 0|10|1 or 0|1|01; only the first has no leading zero.
    assert split_row("0101", 3, total_last=False) == ((0, 10, 1),)
    assert split_row("01", 1, total_last=False) == ()
    assert split_row("0", 1, total_last=False) == ((0,),)


def test_row_without_valid_split_and_malformed_runs() -> None:
    assert split_row("1000002", 7, total_last=True) == ()
    assert split_row("12a4", 2, total_last=False) == ()
    assert split_row("123", 4, total_last=False) == ()


def test_row_with_several_splits_lists_all_of_them() -> None:
    assert split_row("110000112", 7, total_last=True) == ((1, 10, 0, 0, 0, 1, 12), (11, 0, 0, 0, 0, 1, 12))


def test_long_run_is_bounded_and_reported_incomplete() -> None:
    splits = enumerate_splits("9" * 60, 7, total_last=True)
    assert not splits.complete
    assert splits.steps <= 50_001
    many = enumerate_splits("1" * 40, 5, total_last=False)
    assert not many.complete
    assert len(many.values) == SPLIT_LIMIT


def test_strip_next_ordinal() -> None:
    assert strip_next_ordinal("00000002", "2") == "0000000"
    assert strip_next_ordinal("3700000372", "2") == "370000037"
    assert strip_next_ordinal("0000000", "（四）") == "0000000"
    assert strip_next_ordinal("0000000", None) == "0000000"
    assert strip_next_ordinal("2", "2") == "2"
    assert strip_next_ordinal("1000001", "3") == "1000001"


# -- solve_simple (table 二) ---------------------------------------------------------------------------------------


def test_table2_row_from_012_is_ambiguous_without_arithmetic() -> None:
    candidates = solve_simple("8855698", 3)
    assert (88, 55, 698) in candidates
    assert len(candidates) == 15  # C(6, 2): no zero in the run, every cut is a valid split
    assert solve_simple("000", 3) == ((0, 0, 0),)
    assert solve_simple("10690", 1) == ((10690,),)


# -- table 三 ------------------------------------------------------------------------------------------------------


def test_012_table3_solves_uniquely() -> None:
    runs = _table_012_runs()
    assert len(runs) == 25
    solution = _solve([GluedRow(row=row, digits=run, values=None) for row, run in zip(LEAF_ROWS, runs, strict=True)])
    assert not solution.ambiguous and not solution.impossible
    assert solution.values["new_received"] == (71, 3, 0, 0, 0, 0, 74)
    assert solution.values["unable_not_held"] == (37, 0, 0, 0, 0, 0, 37)
    assert solution.values["other_misc"] == (0, 2, 0, 0, 0, 0, 2)
    assert solution.values["results_total"] == (72, 3, 0, 0, 0, 0, 75)
    assert solution.values["carried_forward"] == (0,) * 7
    assert solution.relations == ("t3_balance", "t3_results_total")


def _zero_rows(**overrides: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    table = {row: (0,) * 7 for row in LEAF_ROWS}
    table.update(overrides)
    return table


def test_column_relations_decide_a_row_its_own_total_cannot() -> None:
    # granted '110000112' has two row splits; the results total fixes it as 11|0|0|0|0|1|12.
    truth = _zero_rows(
        granted=(11, 0, 0, 0, 0, 1, 12),
        partially_granted=(1, 0, 0, 0, 0, 0, 1),
        results_total=(12, 0, 0, 0, 0, 1, 13),
        new_received=(12, 0, 0, 0, 0, 1, 13),
    )
    assert len(split_row("110000112", 7, total_last=True)) > 1
    rows = [GluedRow(row=r, digits="".join(map(str, v)), values=None) for r, v in truth.items()]
    solution = _solve(rows)
    assert solution.values["granted"] == truth["granted"]
    assert not solution.ambiguous


def test_normal_rows_take_part_in_the_column_relations() -> None:
    truth = _zero_rows(
        granted=(11, 0, 0, 0, 0, 1, 12), results_total=(11, 0, 0, 0, 0, 1, 12), new_received=(11, 0, 0, 0, 0, 1, 12)
    )
    rows = [
        GluedRow(row=r, digits="110000112", values=None) if r == "granted" else GluedRow(row=r, digits=None, values=v)
        for r, v in truth.items()
    ]
    solution = _solve(rows)
    assert dict(solution.values) == {"granted": (11, 0, 0, 0, 0, 1, 12)}


def test_blank_cells_disable_relations_and_leave_the_row_ambiguous() -> None:
    truth = _zero_rows(
        granted=(11, 0, 0, 0, 0, 1, 12), results_total=(11, 0, 0, 0, 0, 1, 12), new_received=(11, 0, 0, 0, 0, 1, 12)
    )
    blank: tuple[int | None, ...] = (None,) * 7
    rows = [
        GluedRow(row=r, digits="110000112", values=None)
        if r == "granted"
        else GluedRow(row=r, digits=None, values=blank if r == "results_total" else v)
        for r, v in truth.items()
    ]
    solution = _solve(rows)
    assert "granted" not in solution.values
    assert solution.ambiguous["granted"] >= 2


def test_contradicting_table_drops_the_relation_instead_of_forcing_a_split() -> None:
    # new_received is 5 in column 1 but the outcomes only add up to 4: the balance cannot hold.
    truth = _zero_rows(
        granted=(4, 0, 0, 0, 0, 0, 4), results_total=(4, 0, 0, 0, 0, 0, 4), new_received=(5, 0, 0, 0, 0, 0, 5)
    )
    rows = [GluedRow(row=r, digits="".join(map(str, v)), values=None) for r, v in truth.items()]
    solution = _solve(rows)
    assert solution.relations == ("t3_results_total",)
    assert solution.values["new_received"] == (5, 0, 0, 0, 0, 0, 5)


def test_impossible_row_is_reported() -> None:
    rows = [GluedRow(row="granted", digits="1000002", values=None)]
    solution = _solve(rows)
    assert solution.impossible == ("granted",)
    assert not solution.values


def test_long_runs_in_a_table_stay_bounded() -> None:
    rows = [GluedRow(row=r, digits="9" * 60, values=None) for r in LEAF_ROWS]
    solution = _solve(rows)
    assert solution.steps <= 2 * SEARCH_STEPS + len(LEAF_ROWS)
    assert set(solution.ambiguous) == set(LEAF_ROWS)
    assert solution.ambiguous["granted"] == AMBIGUITY_CAP


@st.composite
def valid_tables(draw: st.DrawFn) -> dict[str, tuple[int, ...]]:
    high = draw(st.sampled_from((3, 12, 150, 2500)))
    value = st.one_of(st.just(0), st.integers(0, high))
    table: dict[str, list[int]] = {row: [draw(value) for _ in range(6)] for row in RESULT_LEAVES}
    table["results_total"] = [sum(table[row][c] for row in RESULT_LEAVES) for c in range(6)]
    table["carried_forward"] = [draw(value) for _ in range(6)]
    inflow = [table["results_total"][c] + table["carried_forward"][c] for c in range(6)]
    table["carried_over"] = [draw(st.integers(0, inflow[c])) for c in range(6)]
    table["new_received"] = [inflow[c] - table["carried_over"][c] for c in range(6)]
    return {row: (*table[row], sum(table[row])) for row in LEAF_ROWS}


@settings(max_examples=60, deadline=None)
@given(valid_tables(), st.data())
def test_gluing_then_solving_never_gives_a_wrong_unique_answer(
    table: dict[str, tuple[int, ...]], data: st.DataObject
) -> None:
    normal = data.draw(st.sets(st.sampled_from(LEAF_ROWS), max_size=10))
    rows = [
        GluedRow(row=r, digits=None, values=v)
        if r in normal
        else GluedRow(row=r, digits="".join(map(str, v)), values=None)
        for r, v in table.items()
    ]
    solution = _solve(rows)
    for row, values in solution.values.items():
        assert values == table[row]
    assert not solution.impossible
    assert set(solution.values) | set(solution.ambiguous) == set(LEAF_ROWS) - normal
    assert solution.steps <= 2 * SEARCH_STEPS + len(LEAF_ROWS)


# -- table 四 ------------------------------------------------------------------------------------------------------


def test_table4_run_from_012_spacing_removed() -> None:
    # 012 prints '0 1 1 0 2 1 0 0 0 1 0 0 0 0 0'; glued it still splits one way.
    solution = solve_table4("011021000100000")
    assert solution.values == {
        "review": (0, 1, 1, 0, 2),
        "litigation_direct": (1, 0, 0, 0, 1),
        "litigation_after_review": (0, 0, 0, 0, 0),
    }


def test_table4_with_multi_digit_values() -> None:
    # The S6 fixture row 376 97 196 121 790 | 16 1 12 27 56 | 74 1 30 51 156, glued.
    solution = solve_table4("376971961217901611227567413051156")
    assert solution.values.get("review") == (376, 97, 196, 121, 790)
    # '161122756' is 16|1|12|27|56, 16|11|2|27|56 or 16|11|22|7|56: nothing in table 四 decides between them.
    assert dict(solution.ambiguous) == {"litigation_direct": 3}
    assert solution.values.get("litigation_after_review") == (74, 1, 30, 51, 156)


def test_table4_ambiguous_and_impossible() -> None:
    # review '1101012' is 1|10|1|0|12, 1|1|0|10|12 or 11|0|1|0|12; the zero groups are certain.
    ambiguous = solve_table4("1101012" + "0" * 10)
    assert dict(ambiguous.ambiguous) == {"review": 3}
    assert ambiguous.values == {"litigation_direct": (0,) * 5, "litigation_after_review": (0,) * 5}
    assert solve_table4("123").impossible == ("review", "litigation_direct", "litigation_after_review")
    assert solve_table4("111111111111111").impossible == ("review", "litigation_direct", "litigation_after_review")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 300), min_size=4, max_size=4), min_size=3, max_size=3))
def test_table4_never_wrong(groups: list[list[int]]) -> None:
    rows = [(*g, sum(g)) for g in groups]
    solution = solve_table4("".join(str(v) for row in rows for v in row))
    for row_id, values in solution.values.items():
        assert values == rows[("review", "litigation_direct", "litigation_after_review").index(row_id)]
    assert not solution.impossible


def test_table4_long_run_is_bounded() -> None:
    solution = solve_table4("9" * 60)
    assert solution.steps <= 2 * SEARCH_STEPS
