"""The packaged vocabulary is consistent: every variant names one id, relations name existing ids."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from govreport_parser.normalize import label_key
from govreport_parser.validate import parse_expression
from govreport_parser.vocabulary import CANONICAL_TABLES, load_vocabulary

VOCABULARY = load_vocabulary()
DATA = json.loads(resources.files("govreport_parser").joinpath("data/format.json").read_text(encoding="utf-8"))
VERSIONS = ("gov_2021", "gov_2019_trial")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("table_id", CANONICAL_TABLES)
def test_every_row_variant_maps_to_its_own_row(version: str, table_id: str) -> None:
    spec = VOCABULARY.table(version, table_id)
    assert spec is not None
    for key, ids in spec.row_keys.items():
        # A label shared by rows of different groups is resolved by position; within one parent it must be unique.
        parents = [spec.row(i).parent for i in ids]
        assert len(parents) == len(set(parents)), f"{version}/{table_id}: {key!r} names {ids} in one group"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_canonical_label_matches_exactly(version: str) -> None:
    for table_id in CANONICAL_TABLES:
        spec = VOCABULARY.table(version, table_id)
        assert spec is not None
        for row in spec.rows:
            match = VOCABULARY.match_row(row.label, spec)
            assert match.id == row.id or row.id in match.candidates, (row.label, match)
            assert match.method in ("exact", "alias", "none")


@pytest.mark.parametrize("version", VERSIONS)
def test_relations_name_existing_ids(version: str) -> None:
    for table_id in CANONICAL_TABLES:
        spec = VOCABULARY.table(version, table_id)
        assert spec is not None
        rows = {r.id for r in spec.rows}
        columns = {c.id for c in spec.columns}
        for relation in spec.relations:
            if relation.expr.startswith("value") or "prev." in relation.expr:
                continue
            equation = parse_expression(relation.expr)
            names = {name for _, name in (*equation.lhs, *equation.rhs)}
            pool = rows if relation.scope == "each_column" else columns
            assert names <= pool, f"{relation.id}: unknown ids {names - pool}"


def test_table3_shapes_match_the_format() -> None:
    t2021 = VOCABULARY.table("gov_2021", "table3")
    t2019 = VOCABULARY.table("gov_2019_trial", "table3")
    assert t2021 is not None and t2019 is not None
    assert len(t2021.leaf_rows) == 25 and len(t2019.leaf_rows) == 23
    assert len(t2021.cell_keys()) == 25 * 7
    table4 = VOCABULARY.table("gov_2021", "table4")
    assert table4 is not None and len(table4.cell_keys()) == 15


def test_sections_match_headings_with_any_numbering() -> None:
    for heading in ("一、总体情况", "总体情况", "(四)政府信息公开行政复议、行政诉讼情况", "六、其他需要报告事项"):
        assert VOCABULARY.match_section(heading, "gov_2021").id is not None, heading


def test_fuzzy_match_records_method_and_score() -> None:
    match = VOCABULARY.match_section("四、政府信息公开行政法复议、行政诉讼情况", "gov_2021")
    assert match.id == "review_litigation" and match.method == "fuzzy" and 0.8 <= match.score < 1


def test_unknown_label_has_no_id() -> None:
    spec = VOCABULARY.table("gov_2021", "table3")
    assert spec is not None
    match = VOCABULARY.match_row("今天天气很好", spec)
    assert match.id is None and match.method == "none"


def test_label_key_normalizes_variants() -> None:
    assert label_key("商 业\n企 业").key == "商业企业"
    assert label_key("（三）不予公开") == label_key("(三) 不予公开")
    assert label_key("規範性檔案".replace("規範性檔案", "规范性档案")).key == "规范性文件"
    assert label_key("上一年项目数量(指2019年事项数)").key == "上一年项目数量"
    assert label_key("報(bào)告").key == "報告"


def test_ids_are_the_reference_ids() -> None:
    # The package copy may add variants, never ids: compare the id sets with the reference structure.
    ids = {(v, t, axis, i) for v, t, axis, i in VOCABULARY.ids()}
    assert ("gov_2021", "table3", "row", "new_received") in ids
    assert ("gov_2021", "table2", "column", "fee_amount_10k_yuan") in ids
    assert DATA["schema_version"] == VOCABULARY.schema_version == "1"


def test_user_vocabulary_adds_variants_but_never_ids(tmp_path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps({"variants": {"gov_2021/table2/decisions_this_year": ["本年办件量"]}}), encoding="utf-8"
    )
    vocabulary = load_vocabulary(extra)
    spec = vocabulary.table("gov_2021", "table2")
    assert spec is not None and vocabulary.match_column("本年办件量", spec).id == "decisions_this_year"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"variants": {"gov_2021/table2/new_id": ["x"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match="never ids"):
        load_vocabulary(bad)
