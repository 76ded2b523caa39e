"""Split runs of digits that lost their cell separators back into cells, using the format's arithmetic."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

Values = tuple[int, ...]

# Candidate splits kept for one row. 012's rows have 1 candidate each and a 15-digit run of small numbers has a few
# dozen; beyond 2000 the row cannot be decided by counting alternatives anyway, so it is treated as "too many".
SPLIT_LIMIT = 2000
# Search nodes allowed for enumerating the splits of one digit run. The 60-digit worst case of the benchmark stops
# here in well under 100 ms; real rows (7 to 20 digits) need fewer than 2000 nodes.
SPLIT_STEPS = 50_000
# Search nodes allowed for the cross-row part of one table (sumsets and backtracking). 012's table 三 needs a few
# hundred; the bound keeps a table of 25 ambiguous rows from running away (it then reports them ambiguous).
SEARCH_STEPS = 200_000
# Largest set of partial column sums tracked for one relation; past it the relation is not used for pruning.
SUMSET_LIMIT = 4096
# Counts reported for ambiguous rows are capped: "more than this" is all a caller needs.
AMBIGUITY_CAP = 1000

TABLE3_COLUMNS = 7
TABLE4_ROWS = ("review", "litigation_direct", "litigation_after_review")
TABLE4_GROUP = 5
# The printed 勾稽关系 of table 三 (format.json `t3_balance`): 第一项 + 第二项 == 第三项 + 第四项, per column.
BALANCE_TERMS: tuple[tuple[str, int], ...] = (
    ("new_received", 1),
    ("carried_over", 1),
    ("results_total", -1),
    ("carried_forward", -1),
)
RESULTS_TOTAL_ROW = "results_total"
_DIGITS_RE = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class GluedRow:
    """One row of a table as read: either a glued digit run or its values read normally."""

    row: str
    """Canonical row id."""
    digits: str | None
    """The glued digit run (`'713000074'`); None when the row was read normally."""
    values: tuple[int | None, ...] | None
    """The row's values when read normally (None entries are blank cells)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GluedSolution:
    """What the arithmetic decided about the glued rows of one table."""

    values: Mapping[str, Values] = field(default_factory=lambda: MappingProxyType({}))
    """Rows whose split is unique under the constraints (their cells are inferred)."""
    ambiguous: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Rows with more than one split left, and how many (capped at `AMBIGUITY_CAP`)."""
    impossible: tuple[str, ...] = ()
    """Rows with no split satisfying their own row total."""
    relations: tuple[str, ...] = ()
    """Column relations (`t3_balance`, `t3_results_total`) that were used; fewer when the table contradicts one."""
    steps: int = 0
    """Search nodes spent, for the benchmark and the bounded-search tests."""


class Splits(NamedTuple):
    """The splits of one digit run, and whether the enumeration finished within its bounds."""

    values: tuple[Values, ...]
    complete: bool
    steps: int


def strip_next_ordinal(digits: str, next_ordinal: str | None) -> str:
    """Given a digit run and the item number of the label after it, return the run without that number glued on.

    '00000002' followed by '.其他法律…' whose expected item number is '2' gives '0000000'. The run is left as it is
    when it does not end with the number, or when nothing would be left.
    """
    if not next_ordinal or not next_ordinal.isascii() or not next_ordinal.isdigit():
        return digits
    if len(digits) > len(next_ordinal) and digits.endswith(next_ordinal):
        return digits[: -len(next_ordinal)]
    return digits


def enumerate_splits(
    digits: str,
    parts: int,
    *,
    total_last: bool,
    limit: int = SPLIT_LIMIT,
    max_steps: int = SPLIT_STEPS,
) -> Splits:
    """Given a digit run, return its splits into `parts` numbers (no leading zeros), bounded in count and steps.

    With `total_last`, the last number must equal the sum of the others. `complete` is False when more than `limit`
    splits exist or the step bound was hit: the caller must then treat the run as ambiguous.
    """
    if parts < 1 or not _DIGITS_RE.fullmatch(digits) or len(digits) < parts:
        return Splits((), True, 0)
    search = _SplitSearch(digits, limit, max_steps)
    if total_last:
        search.with_total(parts)
    else:
        search.plain(parts)
    complete = not search.overflow
    return Splits(tuple(search.found), complete, search.steps)


def split_row(digits: str, parts: int, *, total_last: bool) -> tuple[Values, ...]:
    """Given a digit run, return all its splits into `parts` numbers (the last being the total when `total_last`).

    Bounded: at most `SPLIT_LIMIT` splits within `SPLIT_STEPS` search nodes; use `enumerate_splits` to learn
    whether the list is complete.
    """
    return enumerate_splits(digits, parts, total_last=total_last).values


def solve_simple(digits: str, parts: int) -> tuple[Values, ...]:
    """Given a digit run of a row without arithmetic (table 二), return every candidate split into `parts` numbers.

    The caller marks the row ambiguous unless exactly one candidate comes back (a long run yields many; at most
    `SPLIT_LIMIT` are listed).
    """
    return enumerate_splits(digits, parts, total_last=False).values


class _SplitSearch:
    """Depth-first enumeration of splits with sum pruning; mutable, lives for one call."""

    __slots__ = ("digits", "found", "limit", "max_steps", "overflow", "steps")

    def __init__(self, digits: str, limit: int, max_steps: int) -> None:
        self.digits = digits
        self.limit = limit
        self.max_steps = max_steps
        self.found: list[Values] = []
        self.steps = 0
        self.overflow = False

    def _tick(self) -> bool:
        self.steps += 1
        if self.steps > self.max_steps:
            self.overflow = True
        return not self.overflow

    def _emit(self, values: Values) -> None:
        if len(self.found) >= self.limit:
            self.overflow = True
            return
        self.found.append(values)

    def plain(self, parts: int) -> None:
        self._plain(0, parts, ())

    def _plain(self, pos: int, left: int, prefix: Values) -> None:
        digits = self.digits
        if self.overflow or not self._tick():
            return
        remaining = len(digits) - pos
        if left == 1:
            if remaining == 1 or digits[pos] != "0":
                self._emit((*prefix, int(digits[pos:])))
            return
        longest = 1 if digits[pos] == "0" else remaining - (left - 1)
        for length in range(1, longest + 1):
            self._plain(pos + length, left - 1, (*prefix, int(digits[pos : pos + length])))
            if self.overflow:
                return

    def with_total(self, parts: int) -> None:
        digits = self.digits
        n = len(digits)
        for length in range(1, n - (parts - 1) + 1):
            start = n - length
            if length > 1 and digits[start] == "0":
                continue
            total = int(digits[start:])
            # Every addend is at most the total, so none can be longer than it; with parts-1 addends of at most
            # `length` digits the prefix cannot be longer than (parts-1)*length.
            if start > (parts - 1) * length:
                continue
            # A number is congruent to its digit sum mod 9, so the addends sum to the prefix's digit sum mod 9
            # whatever the split: a total failing that can be skipped without searching.
            if (total - sum(map(int, digits[:start]))) % 9:
                continue
            self._addends(0, start, parts - 1, total, length, ())
            if self.overflow:
                return

    def _addends(self, pos: int, end: int, left: int, need: int, max_len: int, prefix: Values) -> None:
        if self.overflow or not self._tick():
            return
        digits = self.digits
        remaining = end - pos
        if left == 1:
            if remaining <= max_len and (remaining == 1 or digits[pos] != "0") and int(digits[pos:end]) == need:
                self._emit((*prefix, need, sum(prefix) + need))
            return
        # No addend exceeds what is still needed, so none is longer than it: this is what keeps long runs cheap.
        max_len = min(max_len, len(str(need)))
        if not _sum_reachable(remaining, left, max_len, need):
            return
        # The other left-1 addends need at least one digit each and hold at most left-1 numbers of max_len digits.
        longest = 1 if digits[pos] == "0" else min(max_len, remaining - (left - 1))
        shortest = max(1, remaining - (left - 1) * max_len)
        for length in range(shortest, longest + 1):
            value = int(digits[pos : pos + length])
            if value > need:
                break
            self._addends(pos + length, end, left - 1, need - value, max_len, (*prefix, value))
            if self.overflow:
                return


def _sum_reachable(remaining: int, parts: int, max_len: int, need: int) -> bool:
    """Whether `remaining` digits cut into `parts` numbers of at most `max_len` digits can sum to `need`.

    Bounds only: some number has at least ceil(remaining/parts) digits, and a multi-digit number has no leading zero,
    so the sum is at least 10**(that-1); no number exceeds min(max_len, remaining-parts+1) digits.
    """
    if remaining < parts or remaining > parts * max_len:
        return False
    widest = -(-remaining // parts)
    if widest > 1 and need < _pow10(widest - 1):
        return False
    return need < parts * _pow10(min(max_len, remaining - parts + 1))


def _pow10(exponent: int) -> int:
    # `10 ** n` is typed Any (a negative n gives a float); exponents here are never negative.
    value: int = 10**exponent
    return value


# -- table 三 ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Equation:
    """`Σ coef · row == 0`, per column, over the columns where every non-glued term has a value."""

    id: str
    terms: tuple[tuple[str, int], ...]


class _Budget:
    """Search nodes left for the cross-row part of one solve (mutable, one per call)."""

    __slots__ = ("left", "spent")

    def __init__(self, steps: int) -> None:
        self.left = steps
        self.spent = 0

    def take(self, steps: int) -> bool:
        self.left -= steps
        self.spent += steps
        return self.left >= 0


def solve_table3(
    rows: Sequence[GluedRow],
    *,
    leaf_rows: Sequence[str],
    results_leaf_rows: Sequence[str],
    columns: int = TABLE3_COLUMNS,
    max_steps: int = SEARCH_STEPS,
) -> GluedSolution:
    """Given the rows of a table 三 (some glued), return the glued rows whose split the table's arithmetic decides.

    Each glued row first gets its splits whose last value is the sum of the others (`t3_row_total`); the column
    relations `t3_balance` and `t3_results_total` then prune combinations. A row is solved only when exactly one of
    its splits survives in every combination that satisfies the relations; when the table contradicts a relation
    (a reporting error), the relation is dropped rather than forcing a wrong split.
    """
    known: dict[str, tuple[int | None, ...]] = {}
    glued: dict[str, str] = {}
    leaf = set(leaf_rows)
    for row in rows:
        if row.row in known or row.row in glued or (leaf and row.row not in leaf):
            continue
        if row.digits is not None:
            glued[row.row] = row.digits
        elif row.values is not None and len(row.values) == columns:
            known[row.row] = row.values
    steps = 0
    impossible: list[str] = []
    base: dict[str, list[Values] | None] = {}
    for row_id, digits in glued.items():
        # Rows share one enumeration budget, so a table of long runs costs at most max_steps here too; a row that
        # runs out is "too many splits" and can still be fixed by the column relations below.
        row_steps = max(0, min(SPLIT_STEPS, max_steps - steps))
        splits = enumerate_splits(digits, columns, total_last=True, max_steps=row_steps)
        steps += splits.steps
        if splits.complete and not splits.values:
            impossible.append(row_id)
        else:
            base[row_id] = list(splits.values) if splits.complete else None
    equations = {
        "t3_balance": _Equation("t3_balance", BALANCE_TERMS),
        "t3_results_total": _Equation(
            # The total itself is under 三、本年度办理结果 too; callers listing it among the leaves must not cancel it.
            "t3_results_total",
            ((RESULTS_TOTAL_ROW, 1), *((r, -1) for r in results_leaf_rows if r != RESULTS_TOTAL_ROW)),
        ),
    }
    if all(domain is not None and len(domain) == 1 for domain in base.values()):
        # Row totals alone decide every row (the common case): no search, only say which relations the table keeps.
        unique = {row_id: domain[0] for row_id, domain in base.items() if domain is not None}
        rows_values: dict[str, tuple[int | None, ...]] = {**known, **unique}
        kept = tuple(
            eq.id
            for eq in equations.values()
            if _usable(eq, known, unique, columns) and _holds(eq, rows_values, _mask(eq, known, unique, columns))
        )
        return GluedSolution(
            values=MappingProxyType(unique),
            ambiguous=MappingProxyType({}),
            impossible=tuple(impossible),
            relations=kept,
            steps=steps,
        )
    attempts = (("t3_balance", "t3_results_total"), ("t3_balance",), ("t3_results_total",), ())
    budget = _Budget(max_steps)
    for names in attempts:
        domains: dict[str, list[Values] | None] = {r: (None if d is None else list(d)) for r, d in base.items()}
        active = [equations[name] for name in names if _usable(equations[name], known, domains, columns)]
        outcome = _solve(domains, glued, known, active, columns, budget)
        if outcome is not None:
            solved, ambiguous = outcome
            return GluedSolution(
                values=MappingProxyType(solved),
                ambiguous=MappingProxyType(ambiguous),
                impossible=tuple(impossible),
                relations=tuple(eq.id for eq in active),
                steps=steps + budget.spent,
            )
    raise AssertionError("unreachable: the attempt without relations never contradicts")  # pragma: no cover


def _holds(equation: _Equation, rows: Mapping[str, tuple[int | None, ...]], mask: Sequence[int]) -> bool:
    """Return True when the equation holds in every masked column, missing cells counting as zero."""
    return all(
        sum(coef * (rows[row_id][column] or 0) for row_id, coef in equation.terms if row_id in rows) == 0
        for column in mask
    )


def _usable(
    equation: _Equation, known: Mapping[str, tuple[int | None, ...]], domains: Mapping[str, object], columns: int
) -> bool:
    return bool(_mask(equation, known, domains, columns)) and any(r in domains for r, _ in equation.terms)


def _mask(
    equation: _Equation, known: Mapping[str, tuple[int | None, ...]], domains: Mapping[str, object], columns: int
) -> tuple[int, ...]:
    """Columns where every term of the equation has a value (a missing row or a blank cell disables the column)."""
    mask = []
    for column in range(columns):
        ok = True
        for row_id, _ in equation.terms:
            if row_id in domains:
                continue
            values = known.get(row_id)
            if values is None or values[column] is None:
                ok = False
                break
        if ok:
            mask.append(column)
    return tuple(mask)


def _solve(
    domains: dict[str, list[Values] | None],
    glued: Mapping[str, str],
    known: Mapping[str, tuple[int | None, ...]],
    equations: Sequence[_Equation],
    columns: int,
    budget: _Budget,
) -> tuple[dict[str, Values], dict[str, int]] | None:
    """Propagate, then search; return (solved, ambiguous) or None when the equations contradict the rows."""
    masks = {eq.id: _mask(eq, known, domains, columns) for eq in equations}
    if not _propagate(domains, glued, known, equations, masks, columns, budget):
        return None
    multi = [r for r, d in domains.items() if d is not None and len(d) > 1]
    seen: dict[str, set[Values]] = {r: set() for r in multi}
    if multi:
        found = _search(domains, known, equations, masks, multi, seen, budget)
        if found is None:
            # Search bound hit: nothing more was proven, every multi row stays at its propagated candidates.
            seen = {r: set(domains[r] or ()) for r in multi}
        elif found == 0:
            return None
    solved: dict[str, Values] = {}
    ambiguous: dict[str, int] = {}
    for row_id, domain in domains.items():
        if domain is None:
            ambiguous[row_id] = AMBIGUITY_CAP
        elif len(domain) == 1:
            solved[row_id] = domain[0]
        elif len(seen[row_id]) == 1:
            solved[row_id] = next(iter(seen[row_id]))
        else:
            ambiguous[row_id] = min(len(seen[row_id]) or len(domain), AMBIGUITY_CAP)
    return solved, ambiguous


def _constant(
    equation: _Equation, known: Mapping[str, tuple[int | None, ...]], domains: Mapping[str, object], mask: Sequence[int]
) -> list[int]:
    total = [0] * len(mask)
    for row_id, coef in equation.terms:
        if row_id in domains:
            continue
        values = known[row_id]
        for i, column in enumerate(mask):
            total[i] += coef * (values[column] or 0)
    return total


def _sumset(
    terms: Sequence[tuple[list[Values], int]], start: Sequence[int], mask: Sequence[int], budget: _Budget
) -> set[tuple[int, ...]] | None:
    """All column sums reachable by picking one candidate per term; None when too many or out of budget."""
    sums = {tuple(start)}
    for domain, coef in terms:
        projected = {tuple(coef * values[c] for c in mask) for values in domain}
        if not budget.take(len(sums) * len(projected)):
            return None
        sums = {tuple(a + b for a, b in zip(s, p, strict=True)) for s in sums for p in projected}
        if len(sums) > SUMSET_LIMIT:
            return None
    return sums


def _propagate(
    domains: dict[str, list[Values] | None],
    glued: Mapping[str, str],
    known: Mapping[str, tuple[int | None, ...]],
    equations: Sequence[_Equation],
    masks: Mapping[str, tuple[int, ...]],
    columns: int,
    budget: _Budget,
) -> bool:
    """Remove candidates no combination of the other rows supports; return False on a contradiction."""
    changed = True
    while changed:
        changed = False
        for equation in equations:
            mask = masks[equation.id]
            variables = [(r, c) for r, c in equation.terms if r in domains]
            constant = _constant(equation, known, domains, mask)
            open_rows = [r for r, _ in variables if domains[r] is None]
            if len(open_rows) > 1:
                continue
            if open_rows:
                # One row had too many splits to list: the others fix its values, which must re-glue to its digits.
                if len(mask) != columns:
                    continue
                target = open_rows[0]
                coef = next(c for r, c in variables if r == target)
                others = [(domains[r] or [], c) for r, c in variables if r != target]
                sums = _sumset(others, constant, mask, budget)
                if sums is None:
                    continue
                # Σ others + coef·v == 0, and coef is ±1, so v == -coef · Σ others.
                derived = sorted({tuple(-coef * s for s in total) for total in sums})
                domains[target] = [v for v in derived if _fits(v, glued[target])]
                changed = True
                if not domains[target]:
                    return False
                continue
            for target, coef in variables:
                domain = domains[target]
                assert domain is not None
                others = [(domains[r] or [], c) for r, c in variables if r != target]
                sums = _sumset(others, constant, mask, budget)
                if sums is None:
                    continue
                kept = [v for v in domain if tuple(-coef * v[c] for c in mask) in sums]
                if len(kept) != len(domain):
                    domains[target] = kept
                    changed = True
                    if not kept:
                        return False
            if budget.left < 0:
                return True
    return True


def _fits(values: Values, digits: str) -> bool:
    return all(v >= 0 for v in values) and values[-1] == sum(values[:-1]) and "".join(map(str, values)) == digits


def _search(
    domains: Mapping[str, list[Values] | None],
    known: Mapping[str, tuple[int | None, ...]],
    equations: Sequence[_Equation],
    masks: Mapping[str, tuple[int, ...]],
    multi: Sequence[str],
    seen: dict[str, set[Values]],
    budget: _Budget,
) -> int | None:
    """Enumerate consistent combinations of the multi-candidate rows; return how many (None if out of budget)."""
    order = sorted(multi, key=lambda r: len(domains[r] or ()))
    checks: dict[int, list[_Equation]] = {}
    for equation in equations:
        rows = [r for r, _ in equation.terms if r in domains]
        if any(domains[r] is None for r in rows):
            continue
        last = max((order.index(r) for r in rows if r in order), default=-1)
        checks.setdefault(last, []).append(equation)
    assignment: dict[str, Values] = {r: d[0] for r, d in domains.items() if d is not None and len(d) == 1}
    count = 0

    def holds(equation: _Equation) -> bool:
        mask = masks[equation.id]
        for column in mask:
            total = 0
            for row_id, coef in equation.terms:
                values = assignment.get(row_id)
                if values is None:
                    known_values = known.get(row_id)
                    total += coef * ((known_values[column] if known_values else 0) or 0)
                else:
                    total += coef * values[column]
            if total != 0:
                return False
        return True

    def visit(depth: int) -> bool:
        nonlocal count
        if not budget.take(1):
            return False
        if depth == len(order):
            count += 1
            for row_id in order:
                seen[row_id].add(assignment[row_id])
            return True
        row_id = order[depth]
        for values in domains[row_id] or ():
            assignment[row_id] = values
            if all(holds(eq) for eq in checks.get(depth, ())) and not visit(depth + 1):
                return False
            if all(len(seen[r]) > 1 for r in order):
                # Every open row already has two consistent splits: no further combination can make one unique.
                break
        assignment.pop(row_id, None)
        return True

    for equation in checks.get(-1, ()):
        if not holds(equation):
            return 0
    if not visit(0):
        return None
    return count


# -- table 四 ----------------------------------------------------------------------------------------------------


def solve_table4(digits: str, *, max_steps: int = SEARCH_STEPS) -> GluedSolution:
    """Given the 15 values of table 四 glued into one run, return the rows whose split the row totals decide.

    The run is cut into three groups (行政复议, 未经复议直接起诉, 复议后起诉), each of five numbers whose last is
    the sum of the other four (`t4_row_total`). A row is solved when every consistent split of the whole run
    agrees on it.
    """
    n = len(digits)
    if not _DIGITS_RE.fullmatch(digits) or n < TABLE4_GROUP * len(TABLE4_ROWS):
        return GluedSolution(impossible=TABLE4_ROWS)
    cache: dict[tuple[int, int], Splits] = {}
    steps = 0
    overflow = False

    def group(start: int, end: int) -> Splits:
        nonlocal steps, overflow
        key = (start, end)
        if key not in cache:
            splits = enumerate_splits(digits[start:end], TABLE4_GROUP, total_last=True)
            steps += splits.steps
            overflow = overflow or not splits.complete
            cache[key] = splits
        return cache[key]

    seen: list[set[Values]] = [set() for _ in TABLE4_ROWS]
    combinations = 0
    for first, second in _cuts(n):
        if steps > max_steps:
            overflow = True
            break
        a = group(0, first)
        if not a.values:
            continue
        b = group(first, second)
        if not b.values:
            continue
        c = group(second, n)
        if not c.values:
            continue
        combinations += len(a.values) * len(b.values) * len(c.values)
        for index, splits in enumerate((a, b, c)):
            seen[index].update(splits.values)
    if combinations == 0 and not overflow:
        return GluedSolution(impossible=TABLE4_ROWS, steps=steps)
    solved: dict[str, Values] = {}
    ambiguous: dict[str, int] = {}
    for row_id, options in zip(TABLE4_ROWS, seen, strict=True):
        if len(options) == 1 and not overflow:
            solved[row_id] = next(iter(options))
        else:
            ambiguous[row_id] = AMBIGUITY_CAP if overflow else min(len(options), AMBIGUITY_CAP)
    return GluedSolution(values=MappingProxyType(solved), ambiguous=MappingProxyType(ambiguous), steps=steps)


def _cuts(n: int) -> Iterator[tuple[int, int]]:
    """Cut points of a run of n digits into three groups of at least five digits each."""
    for first in range(TABLE4_GROUP, n - 2 * TABLE4_GROUP + 1):
        for second in range(first + TABLE4_GROUP, n - TABLE4_GROUP + 1):
            yield first, second
