"""Decoding bytes (BOM, declared charset, detection) and sniffing HTML from the content."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import govreport_parser
from govreport_parser.decode import input_to_text, looks_like_html
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.options import ParseOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ENCODINGS = FIXTURES / "encodings"
SEED = FIXTURES / "samples" / "seed" / "xihuachi-2022.txt"


def _decode(data: str | bytes, **options: object) -> tuple[str, str | None, str, set[str]]:
    sink = DiagnosticSink()
    decoded = input_to_text(data, ParseOptions.resolve(options), sink)
    return decoded.text, decoded.encoding, decoded.input_format, {d.code for d in sink.diagnostics}


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("gb18030_meta.html", "gb18030"),
        ("gbk_meta.html", "gb18030"),
        ("gbk_nometa.html", "gb18030"),
        ("utf8_bom.html", "utf-8"),
        ("utf16_bom.html", "utf-16-le"),
        ("utf8_meta.html", "utf-8"),
    ],
)
def test_every_encoding_decodes_to_the_same_page(name: str, encoding: str) -> None:
    reference, _, _, _ = _decode((ENCODINGS / "utf8_meta.html").read_bytes())
    text, used, input_format, codes = _decode((ENCODINGS / name).read_bytes())
    assert used == encoding
    assert input_format == "html"
    assert "D001" not in codes
    # Only the <meta> line differs between the variants.
    strip = [line for line in text.splitlines() if "<meta" not in line]
    assert strip == [line for line in reference.splitlines() if "<meta" not in line]
    assert "二、上年结转政府信息公开申请数量" in text


def test_undeclared_gbk_is_detected_and_reported() -> None:
    _, encoding, _, codes = _decode((ENCODINGS / "gbk_nometa.html").read_bytes())
    assert encoding == "gb18030"
    assert "D002" in codes


@pytest.mark.parametrize("name", ["seed_gb18030.txt", "seed_utf16.txt", "seed_utf8_bom.txt"])
def test_text_files_decode_like_html(name: str) -> None:
    text, _, input_format, codes = _decode((ENCODINGS / name).read_bytes())
    assert text.lstrip("\ufeff") == SEED.read_text(encoding="utf-8").lstrip("\ufeff")
    assert input_format == "text"
    assert "D001" not in codes


def test_utf16_without_bom_is_recognised() -> None:
    data = "<html><body><p>一、总体情况</p><p>本年度共公开信息12条。</p></body></html>".encode("utf-16-le")
    text, encoding, input_format, _ = _decode(data)
    assert encoding == "utf-16-le"
    assert input_format == "html"
    assert "本年度共公开信息12条" in text


def test_gbk_page_declared_utf8_falls_back_to_detection() -> None:
    page = (
        "<html><head><meta charset='utf-8'></head><body><p>一、总体情况</p>"
        "<p>本机关全年主动公开政府信息一百二十条，依申请公开办理答复十二件。</p></body></html>"
    )
    text, encoding, _, codes = _decode(page.encode("gbk"))
    assert encoding == "gb18030"
    assert "本机关全年主动公开政府信息" in text
    assert "D002" in codes


def test_bad_bytes_become_replacement_characters_with_d001() -> None:
    data = "一、总体情况\n本年度公开信息十二条。\n".encode() + b"\xff" + "二、主动公开政府信息情况\n".encode()
    text, encoding, _, codes = _decode(data)
    assert encoding == "utf-8"
    assert "\ufffd" in text
    assert "二、主动公开政府信息情况" in text
    assert "D001" in codes


def test_explicit_encoding_option_wins() -> None:
    text, encoding, _, _ = _decode("政府資訊公開".encode("big5"), encoding="big5")
    assert text == "政府資訊公開"
    assert encoding == "big5hkscs"


def test_empty_and_whitespace_are_d003() -> None:
    assert "D003" in _decode(b"")[3]
    assert "D003" in _decode(b"  \n\t ")[3]
    assert "D003" in _decode("   ")[3]


def test_random_binary_is_d005() -> None:
    data = random.Random(7).randbytes(4096)
    text, _, _, codes = _decode(data)
    assert "D005" in codes
    assert text == ""


def test_png_signature_is_d005() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert "D005" in _decode(data)[3]


def test_oversized_bytes_are_truncated_with_d004_without_a_split_character() -> None:
    data = ("一、总体情况" * 100).encode("utf-8")
    text, _, _, codes = _decode(data, max_bytes=301)
    assert "D004" in codes
    assert "D001" not in codes
    assert len(text) == 100  # 300 bytes of 3-byte characters; the cut 301st byte is dropped, not replaced


def test_html_is_sniffed_from_content_not_name() -> None:
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("<!-- saved -->\n<html>")
    assert looks_like_html("<p style='x'>标题</p>\t<p>日期</p><p>正文</p>")
    assert not looks_like_html("《<中华人民共和国政府信息公开条例>》要求\n一、总体情况\n规章 | 0 | 0 |")
    assert not looks_like_html("第一行\n第二行 <注> 第三行")


def test_input_format_option_overrides_sniffing() -> None:
    assert _decode("<p>a</p><p>b</p><p>c</p>", input_format="text")[2] == "text"
    assert _decode("一、总体情况", input_format="html")[2] == "html"


def test_report_records_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "report.htm"
    path.write_bytes((ENCODINGS / "gbk_meta.html").read_bytes())
    report = govreport_parser.parse(path)
    assert report.meta.encoding == "gb18030"
    assert report.meta.input_format == "html"
    text_report = govreport_parser.parse((ENCODINGS / "seed_gb18030.txt").read_bytes())
    assert text_report.meta.input_format == "text"
    assert text_report.meta.encoding == "gb18030"


def test_html_saved_with_txt_extension_is_still_html(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes((ENCODINGS / "utf8_bom.html").read_bytes())
    assert govreport_parser.parse(path).meta.input_format == "html"
