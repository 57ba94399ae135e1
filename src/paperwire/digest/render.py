"""A digest as mail: its subject, a plain-text part and an HTML part, from digest/templates/.

Titles and names are shown as plain text (TeX macros resolved, math as typed, control and
bidi characters dropped: Paper.display_title and clean_text); the HTML template is
autoescaped and isolates each title and name (<bdi>) so that right-to-left text cannot
reorder what follows. Its CSS is inlined (css-inline) because many mail programs drop
<style>; nothing is loaded from elsewhere. The subject is built from the site's name, a
count and a date only: no title, name or query ever reaches a header.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from paperwire.config import Settings
from paperwire.digest.schedule import Period
from paperwire.digest.sections import Section
from paperwire.links import paper_url, site_url
from paperwire.mail.inline import inlined
from paperwire.paper import clean_text
from paperwire.store import StoredPaper

TEMPLATE_DIR = Path(__file__).parent / "templates"  # the mails digests send, apart from the site's pages
SHOWN_AUTHORS = 3
SETTINGS_PATH = "/settings/digest"


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Item:
    title: str
    authors: str
    reason: str
    url: str


@functools.cache
def mail_templates() -> Environment:
    """The digest mails' templates: autoescaped for .html only (the plain-text part must show "<" as "<")."""
    return Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def subject(settings: Settings, period: Period, count: int) -> str:
    day = period.day
    if period.kind == "weekly":
        day -= timedelta(days=day.weekday())  # the week's Monday
    shown = f"{day:%a} {day.day} {day:%b}" if period.kind == "daily" else f"the week of {day.day} {day:%b}"
    return f"{settings.site_name} · {count} paper{'' if count == 1 else 's'} for {shown}"


def render_digest(settings: Settings, period: Period, sections: list[Section], unsubscribe_url: str) -> RenderedDigest:
    count = sum(len(section.papers) for section in sections)
    context = {
        "subject": subject(settings, period, count),
        "heading": f"{count} paper{'' if count == 1 else 's'} for you",
        "sections": [{"title": s.title, "papers": [_item(settings, p.paper, p.reason) for p in s.papers]}
                     for s in sections],
        "settings_url": site_url(settings, SETTINGS_PATH),
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.site_name,
        "site_url": site_url(settings, "/"),
    }
    env = mail_templates()
    html = inlined(env.get_template("digest.html").render(context))
    return RenderedDigest(context["subject"], env.get_template("digest.txt").render(context), html)


def _item(settings: Settings, stored: StoredPaper, reason: str) -> _Item:
    paper = stored.paper
    names = [clean_text(name) for name in paper.authors]
    authors = ", ".join(names[:SHOWN_AUTHORS]) + (" et al." if len(names) > SHOWN_AUTHORS else "")
    return _Item(title=paper.display_title, authors=authors, reason=clean_text(reason),
                 url=paper_url(settings, paper.id))
