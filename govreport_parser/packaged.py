"""The data files packaged under govreport_parser/data: vocabulary, noise, geography and page-structure words."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def packaged_json(name: str) -> Any:
    """Return the parsed JSON file `data/<name>` (read once per process)."""
    return json.loads(resources.files("govreport_parser").joinpath("data", name).read_text(encoding="utf-8"))
