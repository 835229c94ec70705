"""Read an article: plain text in the shape of the clinic's first one, Markdown, or HTML as saved
from a web page or a WordPress post (docs/design.md, Importing).

The shape: a title; intro paragraphs; one section per condition under a heading; a "Frequently
Asked Questions" section of questions each followed by its answer, or of answers given without
their questions (the vocabulary, or a clinician, supplies those); one paragraph of
comma-separated keywords; closing paragraphs.

- Plain text: the title is the first line, a heading is a short line of its own (the first
  section may follow the intro after a wider gap, with no heading), a question is a line ending
  in '?' (plain.py).
- Markdown and HTML: the title is the `#` / `<h1>`, a section's heading the `##` / `<h2>`, a
  question the `###` / `<h3>` of the FAQ section (markup.py).

All three give the same Article, so one importer takes them; which one a file is, is judged by
its content, never its name. Parsing is pure: nothing here touches the database.
"""

from conditions.article.markup import parse_html, parse_markdown
from conditions.article.plain import parse_plain_text
from conditions.article.shape import (
    FORMATS,
    MAX_ARTICLE_BYTES,
    Article,
    ArticleError,
    article_format,
    decode,
)

__all__ = ["FORMATS", "MAX_ARTICLE_BYTES", "Article", "ArticleError", "parse_article"]

_READERS = {"text": parse_plain_text, "markdown": parse_markdown, "html": parse_html}


def parse_article(data):
    """Parse the bytes of an article file, whatever its format, into an Article, or raise
    ArticleError."""
    text = decode(data)
    return _READERS[article_format(text)](text)
