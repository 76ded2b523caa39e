"""Import cost guard: heavy dependencies load only inside the functions that need them, never at import."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, SEED

# Loaded lazily by decode/html/clean/frames/narrative; importing any of them at package import costs 100s of ms.
HEAVY_AT_IMPORT = ("pandas", "jieba", "bs4", "opencc", "lxml", "charset_normalizer")
# Parsing a plain-text report needs neither frames nor word segmentation.
HEAVY_AT_PARSE = ("pandas", "jieba")


def _loaded_after(code: str) -> set[str]:
    """Run `code` in a fresh interpreter and return the top-level module names it left in sys.modules."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_import_leaves_heavy_modules_out() -> None:
    loaded = _loaded_after("import govreport_parser")
    assert "govreport_parser" in loaded
    assert sorted(loaded & set(HEAVY_AT_IMPORT)) == []


def test_parsing_seed_text_leaves_pandas_and_jieba_out() -> None:
    code = (
        "import govreport_parser\n"
        f"report = govreport_parser.parse(open({str(SEED)!r}, encoding='utf-8').read())\n"
        "assert report.sections, 'seed parsed to nothing'"
    )
    loaded = _loaded_after(code)
    assert sorted(loaded & set(HEAVY_AT_PARSE)) == []
