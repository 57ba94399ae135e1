"""HTML mail with its CSS inlined (css-inline): many mail programs drop <style> blocks.

Nothing remote is ever fetched: a mail's look comes from its own template only.
"""

from __future__ import annotations

import functools

import css_inline


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def inlined(html: str) -> str:
    return _inliner().inline(html)
