"""Parse options: one frozen dataclass, validated on construction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

InputFormatOption = Literal["auto", "text", "html"]
_INPUT_FORMATS = ("auto", "text", "html")
_VERSIONS = (None, "gov_2021", "gov_2019_trial", "legacy_pre2019")

# 20 MB: larger than any real report page seen (the biggest sample is 111 KB) yet small enough to parse in seconds.
DEFAULT_MAX_BYTES = 20_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseOptions:
    """How to parse; every field has a safe default."""

    strict: bool = False
    """Raise `ParseError` when the parse finds any error-severity diagnostic, instead of returning the Report."""
    input_format: InputFormatOption = "auto"
    """`auto` sniffs HTML from the content; `text` or `html` force a reader."""
    encoding: str | None = None
    """Encoding for bytes input; None detects it (BOM, `<meta charset>`, then charset detection)."""
    format_version: str | None = None
    """Force a format version instead of detecting it from the table vocabulary."""
    convert_traditional: bool = True
    """Convert traditional characters to simplified before matching (mirror sites)."""
    fuzzy_labels: bool = True
    """Match near-miss labels approximately; the match method and score are recorded."""
    extract_figures: bool = True
    """Extract quantities from the prose into `Report.figures` and check them against the tables."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """Inputs larger than this are truncated with a diagnostic."""
    vocabulary_path: str | None = None
    """Extra label variants layered over the packaged vocabulary (see `load_vocabulary`)."""

    def __post_init__(self) -> None:
        if self.input_format not in _INPUT_FORMATS:
            raise ValueError(f"input_format must be one of {_INPUT_FORMATS}, not {self.input_format!r}")
        if self.format_version not in _VERSIONS:
            raise ValueError(f"format_version must be one of {_VERSIONS}, not {self.format_version!r}")
        if not isinstance(self.max_bytes, int) or self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be a positive int, not {self.max_bytes!r}")
        for name in ("strict", "convert_traditional", "fuzzy_labels", "extract_figures"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a bool, not {type(getattr(self, name)).__name__}")

    @classmethod
    def resolve(cls, options: ParseOptions | Mapping[str, Any] | None = None, **overrides: Any) -> ParseOptions:
        """Build options from None, a mapping or an instance, then apply keyword overrides."""
        if options is None:
            base: dict[str, Any] = {}
        elif isinstance(options, ParseOptions):
            base = {f.name: getattr(options, f.name) for f in fields(cls)}
        elif isinstance(options, Mapping):
            base = dict(options)
        else:
            raise TypeError(f"options must be ParseOptions, a mapping or None, not {type(options).__name__}")
        base.update({key: value for key, value in overrides.items() if value is not None})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(base) - known)
        if unknown:
            raise TypeError(f"unknown parse option(s) {unknown}; allowed: {sorted(known)}")
        return cls(**base)
