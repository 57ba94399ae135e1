"""Reading a reader's references: pasted arXiv ids and URLs, BibTeX, RIS. Pure: no I/O.

What a reference manager exports (Zotero, Better BibTeX, Mendeley, JabRef) names an arXiv
paper in many places: ``eprint`` with ``archivePrefix = {arXiv}``, an arxiv.org ``url``, the
DOI arXiv registers (``10.48550/arXiv.2309.08600``), or ``arXiv:2309.08600 [cs]`` in a note
or the journal field. All are looked at; the title (TeX turned into text) and the DOI are
kept too, so that papers without an arXiv id can still be matched.

BibTeX is read by pybtex: it resumes after a broken entry and reports the line, reads
``@string`` macros and TeX accents (``{\\"u}``) through latexcodec, and was already a test
dependency. RIS by rispy. Both are lenient; what they skip is reported, never dropped silently.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import rispy
from pybtex import errors as pybtex_errors
from pybtex.database.input.bibtex import Parser as BibtexParser
from pybtex.richtext import Text as LatexText

from paperwire.community.errors import Invalid
from paperwire.community.submissions import arxiv_id_of
from paperwire.paper import clean_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_TITLE_CHARS = 1000
FORMATS = ("bibtex", "ris", "text")

# An arXiv id inside longer text: in an arxiv.org URL or after "arXiv:" (any style, old ones
# too), or bare in the new style with a real month (2309.08600, not 1234.5678 from a page range).
_ID_IN_TEXT = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<url>[\w.\-/]+)"
    r"|arxiv:\s*(?P<tagged>[\w.\-/]+)"
    r"|(?<![\w.\-/])(?P<bare>\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}(?:v\d+)?)(?![\w\-]|\.\d)",
    re.IGNORECASE,
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*")  # what pybtex leaves of commands it does not know (\emph)
_BIBTEX_ENTRY = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)
# BibTeX fields that may name the arXiv paper, most telling first.
_BIBTEX_ID_FIELDS = ("eprint", "arxivid", "doi", "url", "journal", "note", "howpublished")
# pybtex reports errors through module-wide state: one parse at a time.
_PYBTEX_LOCK = threading.Lock()


@dataclass(frozen=True)
class Reference:
    where: str  # where the reader finds it in what they gave: "line 3", 'entry 2 "lee2023"'
    arxiv_id: str | None = None
    doi: str | None = None  # lower case, no resolver prefix
    title: str | None = None  # plain text

    @property
    def described(self) -> str:
        return f"{self.where} ({self.title})" if self.title else self.where


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str


@dataclass(frozen=True)
class ReferenceList:
    format: str  # one of FORMATS
    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # what could not be read, and where


def read_references(data: bytes | str, filename: str = "") -> ReferenceList:
    """Read an upload or a pasted text, its format told by the file's name or else its content."""
    check_size(len(data.encode("utf-8")) if isinstance(data, str) else len(data))
    text = data if isinstance(data, str) else decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return {"bibtex": from_bibtex, "ris": from_ris, "text": from_text}[sniff_format(text, filename)](text)


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise Invalid("file", f"is {size:,} bytes; at most {MAX_BYTES // 2**20} MB ({MAX_BYTES:,} bytes) "
                              "can be read at once")


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), as reference managers write; else Latin-1, as older ones did."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_format(text: str, filename: str = "") -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("bib", "bibtex"):
        return "bibtex"
    if extension == "ris":
        return "ris"
    if extension != "txt":
        if _BIBTEX_ENTRY.search(text):
            return "bibtex"
        if _RIS_START.search(text):
            return "ris"
    return "text"


def from_text(text: str) -> ReferenceList:
    """Pasted text: each line's arXiv ids and URLs (several per line is fine), or else its DOIs."""
    lines = [(number, line.strip()) for number, line in enumerate(text.split("\n"), 1) if line.strip()]
    _check_count(len(lines), "lines")
    found: list[Reference] = []
    problems: list[Problem] = []
    for number, line in lines:
        ids = arxiv_ids_in(line)
        dois = [] if ids else [d for d in map(_doi, _DOI_IN_TEXT.findall(line)) if d]
        found += [Reference(f"line {number}", arxiv_id=i) for i in ids]
        found += [Reference(f"line {number}", doi=d) for d in dois]
        if not ids and not dois:
            problems.append(Problem(f"line {number}", f"no arXiv id, arXiv URL or DOI in {_excerpt(line)}"))
    return ReferenceList("text", found, problems)


def from_bibtex(text: str) -> ReferenceList:
    with _PYBTEX_LOCK, pybtex_errors.capture() as captured:
        data = BibtexParser().parse_string(text)
    problems = [Problem(f"line {e.lineno}" if getattr(e, "lineno", None) else "file", _pybtex_reason(e))
                for e in captured]
    _check_count(len(data.entries), "entries")
    references = []
    for number, (key, entry) in enumerate(data.entries.items(), 1):
        fields = entry.fields
        where = f'entry {number} "{clean_text(key)[:80]}"'
        eprint_type = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").strip().lower()
        values = [value for name in _BIBTEX_ID_FIELDS if (value := fields.get(name))
                  and not (name == "eprint" and eprint_type != "arxiv")]
        references.append(_reference(where, values, fields.get("doi"), _from_latex(fields.get("title", ""))))
    return _with_nothing_found_reported(ReferenceList("bibtex", references, problems))


def from_ris(text: str) -> ReferenceList:
    starts = [text.count("\n", 0, match.start()) + 1 for match in _RIS_START.finditer(text)]
    _check_count(len(starts), "entries")
    records = rispy.loads(text, skip_unknown_tags=True)
    references = []
    for number, record in enumerate(records, 1):
        where = f"entry {number} (line {starts[number - 1]})" if number <= len(starts) else f"entry {number}"
        values = [record.get("doi"), *record.get("urls", ()), *record.get("notes", ()),
                  record.get("journal_name"), record.get("secondary_title"), record.get("name_of_database")]
        title = record.get("title") or record.get("primary_title") or ""
        references.append(_reference(where, [v for v in values if isinstance(v, str)], record.get("doi"),
                                     clean_text(title)[:MAX_TITLE_CHARS]))
    # rispy drops a record that the file ends inside of: say so.
    problems = [Problem(f"entry {n} (line {starts[n - 1]})", 'not closed by an "ER  -" line; it was not read')
                for n in range(len(records) + 1, len(starts) + 1)]
    return _with_nothing_found_reported(ReferenceList("ris", references, problems))


def arxiv_ids_in(text: str) -> list[str]:
    """The canonical arXiv ids ``text`` names, in order, each once: a whole id or URL, or ids within it."""
    whole = _arxiv_id_or_none(text)
    if whole:
        return [whole]
    found: list[str] = []
    for match in _ID_IN_TEXT.finditer(text[:MAX_TITLE_CHARS * 10]):
        arxiv_id = _arxiv_id_or_none((match.group("url") or match.group("tagged") or match.group("bare"))
                                     .rstrip(".,;/-"))
        if arxiv_id and arxiv_id not in found:
            found.append(arxiv_id)
    return found


def _reference(where: str, values: list[str], doi: str | None, title: str) -> Reference:
    arxiv_id = None
    for value in values:
        by_doi = _ARXIV_DOI.match(_doi(value) or "")
        arxiv_id = _arxiv_id_or_none(by_doi.group(1)) if by_doi else next(iter(arxiv_ids_in(value)), None)
        if arxiv_id:
            break
    return Reference(where, arxiv_id=arxiv_id, doi=_doi(doi) if doi else None, title=title or None)


def _arxiv_id_or_none(text: str) -> str | None:
    try:
        return arxiv_id_of(text)
    except Invalid:
        return None


def _with_nothing_found_reported(found: ReferenceList) -> ReferenceList:
    """An entry with nothing to look for is a problem, not a reference."""
    usable = [r for r in found.references if r.arxiv_id or r.doi or r.title]
    empty = [Problem(r.where, "has no arXiv id, DOI or title") for r in found.references
             if not (r.arxiv_id or r.doi or r.title)]
    return ReferenceList(found.format, usable, found.problems + empty)


def _doi(value: str) -> str | None:
    doi = _DOI_PREFIX.sub("", clean_text(value)).strip().rstrip(".,;").lower()
    return doi if doi.startswith("10.") and "/" in doi and len(doi) <= 300 else None


def _from_latex(title: str) -> str:
    """A BibTeX title as text: braces, accents and math symbols resolved, other commands dropped."""
    try:
        text = LatexText.from_latex(title).render_as("text")
    except Exception:  # noqa: BLE001 - pybtex raises many kinds on odd TeX; the title as written still helps
        text = title.replace("{", "").replace("}", "")
    return clean_text(_TEX_COMMAND.sub("", text))[:MAX_TITLE_CHARS]


def _pybtex_reason(error: Exception) -> str:
    message = str(error)
    return message.split(": ", 1)[1] if message.startswith("syntax error in line") else message


def _check_count(count: int, what: str) -> None:
    if count > MAX_ENTRIES:
        raise Invalid("file", f"holds {count:,} {what}; at most {MAX_ENTRIES:,} are read at once: split it")


def _excerpt(line: str) -> str:
    return repr(line[:77] + "..." if len(line) > 80 else line)
