"""The article's shape, shared by every format: what a title, section, question and keyword
line are, the rules they keep (ArticleBuilder), and the checks on a file's bytes. Pure: nothing
here touches the database.
"""

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from conditions.text import markdown_escape, markdown_text, phrase_key

# An article file larger than this is refused before it is read.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024

FAQ_HEADINGS = {"frequently asked questions", "faq", "faqs"}
FORMATS = {"text": "plain text", "markdown": "Markdown", "html": "HTML"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u2018\u201c(])")
# Characters no text file holds; tab, line feed and carriage return aside.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
# Files people upload by mistake, known by their first bytes.
_NOT_TEXT = [
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a Word, OpenDocument or ZIP file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word 97-2003 document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
]
_SAVE_AS = "save the article as plain text (UTF-8), Markdown or HTML"
_HTML_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|"
    r"section|header|h[1-6]|p)\b",
    re.IGNORECASE | re.DOTALL,
)
_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S|^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)


class ArticleError(ValueError):
    """The file is not an article; `line` is where the problem was found (None: the file)."""

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Part:
    """A paragraph (or list, quote or subheading) of an article: its words as plain text, for
    summaries and matching, and as Markdown, to store (plain text quoted, by default)."""

    text: str
    line: int
    markdown: str = ""
    single_line: bool = True

    def __post_init__(self):
        if not self.markdown:
            self.markdown = markdown_escape(self.text)


@dataclass
class Section:
    name: str
    line: int
    parts: list = field(default_factory=list)

    @property
    def paragraphs(self):
        return [part.text for part in self.parts]

    @property
    def summary(self):
        """The first sentence: what patients read first and what lists show."""
        return first_sentence(self.parts[0].text)

    @property
    def body(self):
        """The section after its summary sentence, as Markdown."""
        first, *rest = self.parts
        remainder, _ = _after_first_sentence(first)
        return "\n\n".join(([remainder] if remainder else []) + [part.markdown for part in rest])

    @property
    def loses_formatting(self):
        """Whether the links or emphasis of the first paragraph's remainder cannot be kept."""
        return _after_first_sentence(self.parts[0])[1]


@dataclass
class FAQEntry:
    question: str
    line: int
    parts: list = field(default_factory=list)

    @property
    def answer_paragraphs(self):
        return [part.text for part in self.parts]

    @property
    def answer(self):
        return "\n\n".join(part.markdown for part in self.parts)


@dataclass
class Article:
    title: str
    intro: list
    sections: list
    faqs: list
    keywords: list
    closing: list
    format: str = "text"
    # What the reader left out or changed, each naming its line or element.
    warnings: list = field(default_factory=list)


def first_sentence(paragraph):
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def _after_first_sentence(part):
    """The rest of a paragraph after its first sentence, as Markdown, and whether its
    formatting was lost: kept where the Markdown splits where the plain text does."""
    summary = first_sentence(part.text)
    plain_rest = part.text[len(summary) :].strip()
    if part.markdown == markdown_escape(part.text):
        return markdown_escape(plain_rest), False
    marked_summary = first_sentence(part.markdown)
    if markdown_text(marked_summary) == summary:
        return part.markdown[len(marked_summary) :].strip(), False
    return markdown_escape(plain_rest), True


def _size(data):
    return f"{len(data) / 1024 / 1024:.1f} MB" if len(data) >= 1024 * 1024 else f"{len(data)} bytes"


def decode(data):
    """The text of an article file's bytes; refuse what is too large or not UTF-8 text, naming
    the line where that can be told."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(None, f"the file is {_size(data)}; an article may be 2 MB at most")
    for start, kind in _NOT_TEXT:
        if data.startswith(start):
            raise ArticleError(None, f"the file is {kind}, not text: {_SAVE_AS}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(None, "the file is UTF-16 text; save it as UTF-8")
    if (nul := data.find(b"\x00")) >= 0:
        line = data[:nul].count(b"\n") + 1
        raise ArticleError(line, f"the file holds binary data (a NUL byte), not text: {_SAVE_AS}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ArticleError(
            line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
        ) from None
    if control := _CONTROL.search(text):
        line = text[: control.start()].count("\n") + 1
        raise ArticleError(
            line,
            f"the file holds a control character (U+{ord(control.group()):04X}), which text "
            f"does not: {_SAVE_AS}",
        )
    # One kind of line break: a browser sends text back with CR LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def article_format(text):
    """ "html", "markdown" or "text", judged by the content."""
    if _HTML_START.match(text):
        return "html"
    if _MARKDOWN_HEADING.search(text):
        return "markdown"
    return "text"


def is_keyword_text(text):
    """Whether a paragraph is the keyword line: four or more short comma-separated items."""
    items = [item.strip() for item in text.split(",")]
    return (
        len(items) >= 4
        and not text.endswith(".")
        and all(item and len(item) <= 60 and len(item.split()) <= 6 for item in items)
    )


def keywords_from(text):
    """The keywords in order, each once (the first spelling wins)."""
    seen, keywords = set(), []
    for item in text.split(","):
        item = item.strip()
        if phrase_key(item) not in seen:
            seen.add(phrase_key(item))
            keywords.append(item)
    return keywords


class ArticleBuilder:
    """The shape every format shares: each reader tells it what comes next, in order; it keeps
    the rules (a section has text, no section twice, a question has an answer, a keyword
    line) and raises ArticleError naming the line that breaks one.

    `headings` names a format's section headings in messages ("## headings").
    """

    def __init__(self, title, line, headings="heading lines"):
        if len(title) > 150:
            raise ArticleError(line, "the title is longer than 150 characters")
        self.title = title
        self.headings = headings
        self.intro, self.sections, self.faqs, self.closing = [], [], [], []
        self.keywords = None
        self.in_faq = False
        self.warnings = []

    @property
    def state(self):
        if self.keywords is not None:
            return "closing"
        if self.in_faq:
            return "faq"
        return "sections" if self.sections else "intro"

    def _finish_section(self):
        if self.sections and not self.sections[-1].parts:
            section = self.sections[-1]
            raise ArticleError(section.line, f"the section '{section.name}' has no text")

    def _finish_faq(self):
        if self.faqs and not self.faqs[-1].parts:
            entry = self.faqs[-1]
            raise ArticleError(entry.line, f"the question '{entry.question}' has no answer")

    def heading(self, name, line):
        """A section heading, or the FAQ section's."""
        self._finish_section()
        if name.lower() in FAQ_HEADINGS:
            self.in_faq = True
            return
        self.section(name, line)

    def section(self, name, line, parts=()):
        if not slugify(name):
            raise ArticleError(
                line, f"the heading '{name}' has no letters or digits to make a web address of"
            )
        for section in self.sections:
            if section.name.lower() == name.lower():
                raise ArticleError(
                    line, f"the section '{name}' appears twice (first at line {section.line})"
                )
        self.sections.append(Section(name, line, list(parts)))

    def question(self, text, line):
        self._finish_faq()
        self.faqs.append(FAQEntry(text, line))

    def answer(self, part):
        if not self.faqs or not self.faqs[-1].question:
            self.faqs.append(FAQEntry("", part.line, [part]))
        else:
            self.faqs[-1].parts.append(part)

    def keyword_line(self, part):
        self._finish_section()
        self._finish_faq()
        self.keywords = keywords_from(part.text)

    def text(self, part):
        """A paragraph where the article has got to: intro, section, answer or closing."""
        state = self.state
        if state == "closing":
            self.closing.append(part.text)
        elif state == "faq":
            self.answer(part)
        elif state == "sections":
            self.sections[-1].parts.append(part)
        else:
            self.intro.append(part.text)

    def article(self, last_line, format="text"):
        if self.keywords is None:
            self._finish_section()
            self._finish_faq()
            raise ArticleError(
                last_line,
                "reached the end without a keyword line (one paragraph of comma-separated "
                "keywords after the FAQ section)",
            )
        if not self.sections:
            raise ArticleError(None, f"the article has no condition sections ({self.headings})")
        for section in self.sections:
            if section.loses_formatting:
                self.warnings.append(
                    f"Line {section.parts[0].line}: the links or emphasis in the first paragraph "
                    f"of '{section.name}' are not kept after its first sentence (the summary)."
                )
        return Article(
            self.title,
            self.intro,
            self.sections,
            self.faqs,
            self.keywords,
            self.closing,
            format=format,
            warnings=self.warnings,
        )
