"""docs/benchmarks.md, where the benchmarks record their figures: one "## Heading" section each."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def replace_section(heading: str, section: str) -> None:
    """Put ``section`` (starting with "## heading") in place of that section, or at the end."""
    text = DOCS.read_text("utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, "utf-8")
