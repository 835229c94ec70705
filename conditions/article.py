"""Read an article in the plain-text shape of the clinic's first one (docs/design.md, Importing).

The shape: a title line; intro paragraphs; one section per condition under a short heading line
(the first section may follow the intro after a wider gap, with no heading); a "Frequently Asked
Questions" section of questions (one line ending in '?') each followed by its answer, or of
answers given without their questions (each paragraph before the first question is one answer:
the vocabulary, or a clinician, supplies its question); one line of comma-separated keywords;
closing paragraphs. Parsing is pure: nothing here touches the database.
"""

import re
from dataclasses import dataclass, field

from conditions.text import phrase_key

FAQ_HEADINGS = {"frequently asked questions", "faq", "faqs"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u2018\u201c(])")
_SUBJECT = re.compile(r"^(.{2,60}?)\s+(?:is|are)\s")


class ArticleError(ValueError):
    """The file is not in the article shape; `line` is where the problem was found."""

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass
class Block:
    """A run of non-blank lines; `gap` counts the blank lines before it."""

    line: int
    lines: list
    gap: int

    @property
    def text(self):
        return " ".join(part.strip() for part in self.lines)

    @property
    def is_single_line(self):
        return len(self.lines) == 1


@dataclass
class Section:
    name: str
    line: int
    paragraphs: list = field(default_factory=list)

    @property
    def summary(self):
        """The first sentence: what patients read first and what lists show."""
        return first_sentence(self.paragraphs[0])

    @property
    def body_paragraphs(self):
        """The paragraphs after the summary sentence."""
        rest = self.paragraphs[0][len(self.summary) :].strip()
        return ([rest] if rest else []) + self.paragraphs[1:]


@dataclass
class FAQEntry:
    question: str
    line: int
    answer_paragraphs: list = field(default_factory=list)


@dataclass
class Article:
    title: str
    intro: list
    sections: list
    faqs: list
    keywords: list
    closing: list


def first_sentence(paragraph):
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def decode(data):
    """Decode UTF-8 bytes, naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ArticleError(
            line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
        ) from None


def split_blocks(text):
    blocks, current, gap, start = [], [], 0, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        else:
            if current:
                blocks.append(Block(start, current, gap))
                current, gap = [], 0
            gap += 1
    if current:
        blocks.append(Block(start, current, gap))
    return blocks


def is_heading(block):
    text = block.text
    return (
        block.is_single_line
        and len(text) <= 80
        and len(text.split()) <= 8
        and text[0].isupper()
        and not text.endswith((".", ",", ";", ":", "!", "?"))
        and not is_keyword_line(block)
    )


def is_keyword_line(block):
    text = block.text
    items = [item.strip() for item in text.split(",")]
    return (
        block.is_single_line
        and len(items) >= 4
        and not text.endswith(".")
        and all(item and len(item) <= 60 and len(item.split()) <= 6 for item in items)
    )


def keywords_from(block):
    """The keywords in order, each once (the first spelling wins)."""
    seen, keywords = set(), []
    for item in block.text.split(","):
        item = item.strip()
        if phrase_key(item) not in seen:
            seen.add(phrase_key(item))
            keywords.append(item)
    return keywords


def parse_article(data):
    """Parse the bytes of an article file into an Article, or raise ArticleError."""
    blocks = split_blocks(decode(data))
    if not blocks:
        raise ArticleError(1, "the file is empty; expected a title line first")
    title_block, *rest = blocks
    if not title_block.is_single_line or len(title_block.text) > 150:
        raise ArticleError(
            title_block.line, "expected a title on its own line (150 characters at most)"
        )

    intro, sections, faqs, keywords, closing = [], [], [], None, []
    state = "intro"
    in_faq = False

    def finish_section():
        if sections and not sections[-1].paragraphs:
            section = sections[-1]
            raise ArticleError(section.line, f"the section '{section.name}' has no text")

    def finish_faq():
        if faqs and not faqs[-1].answer_paragraphs:
            entry = faqs[-1]
            raise ArticleError(entry.line, f"the question '{entry.question}' has no answer")

    for block in rest:
        if state == "closing":
            closing.append(block.text)
        elif is_keyword_line(block):
            finish_section()
            finish_faq()
            keywords = keywords_from(block)
            state = "closing"
        elif in_faq:
            if block.is_single_line and block.text.endswith("?"):
                finish_faq()
                faqs.append(FAQEntry(block.text, block.line))
            elif not faqs or not faqs[-1].question:
                faqs.append(FAQEntry("", block.line, [block.text]))
            else:
                faqs[-1].answer_paragraphs.append(block.text)
        elif is_heading(block):
            finish_section()
            if block.text.lower() in FAQ_HEADINGS:
                in_faq = True
                continue
            name = block.text
            for section in sections:
                if section.name.lower() == name.lower():
                    raise ArticleError(
                        block.line,
                        f"the section '{name}' appears twice (first at line {section.line})",
                    )
            sections.append(Section(name, block.line))
            state = "sections"
        elif state == "intro" and intro and block.gap >= 2:
            # The first condition may follow the intro after a wider gap, without a heading.
            match = _SUBJECT.match(block.text)
            if not match:
                raise ArticleError(
                    block.line,
                    "a section follows the introduction without a heading, and its first "
                    "sentence does not name it ('X is ...'); add a heading line above it",
                )
            sections.append(Section(match.group(1), block.line, [block.text]))
            state = "sections"
        elif state == "intro":
            intro.append(block.text)
        else:
            sections[-1].paragraphs.append(block.text)

    last_line = blocks[-1].line + len(blocks[-1].lines) - 1
    if keywords is None:
        finish_section()
        raise ArticleError(
            last_line,
            "reached the end without a keyword line (one line of comma-separated keywords "
            "after the FAQ section)",
        )
    if not sections:
        raise ArticleError(title_block.line, "the article has no condition sections")
    return Article(title_block.text, intro, sections, faqs, keywords, closing)
