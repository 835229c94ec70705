"""The plain-text shape of the clinic's first article: the title is the first line, a heading a
short line of its own (the first section may follow the intro after a wider gap, with no
heading, and is named from its first sentence, "Arthritis is ..."), a question a line ending in
'?', the keyword line one line of four or more comma-separated keywords.
"""

import re
from dataclasses import dataclass

from conditions.article.shape import ArticleBuilder, ArticleError, Part, is_keyword_text

_SUBJECT = re.compile(r"^(.{2,60}?)\s+(?:is|are)\s")


@dataclass
class Block:
    """A run of non-blank lines of a plain-text article; `gap` counts the blank lines before it."""

    line: int
    lines: list
    gap: int

    @property
    def text(self):
        return " ".join(part.strip() for part in self.lines)

    @property
    def is_single_line(self):
        return len(self.lines) == 1


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
    return block.is_single_line and is_keyword_text(block.text)


def parse_plain_text(text):
    """Read an article in the plain-text shape."""
    blocks = split_blocks(text)
    if not blocks:
        raise ArticleError(1, "the file is empty; expected a title line first")
    title_block, *rest = blocks
    if not title_block.is_single_line:
        raise ArticleError(title_block.line, "expected a title on its own line")
    article = ArticleBuilder(title_block.text, title_block.line)
    for block in rest:
        part = Part(block.text, block.line, single_line=block.is_single_line)
        state = article.state
        if state == "closing":
            article.text(part)
        elif is_keyword_line(block):
            article.keyword_line(part)
        elif state == "faq":
            if block.is_single_line and block.text.endswith("?"):
                article.question(block.text, block.line)
            else:
                article.answer(part)
        elif is_heading(block):
            article.heading(block.text, block.line)
        elif state == "intro" and article.intro and block.gap >= 2:
            # The first condition may follow the intro after a wider gap, without a heading.
            match = _SUBJECT.match(block.text)
            if not match:
                raise ArticleError(
                    block.line,
                    "a section follows the introduction without a heading, and its first "
                    "sentence does not name it ('X is ...'); add a heading line above it",
                )
            article.section(match.group(1), block.line, [part])
        else:
            article.text(part)
    return article.article(blocks[-1].line + len(blocks[-1].lines) - 1)
