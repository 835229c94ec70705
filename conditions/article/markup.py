"""Markdown and HTML articles. Headings give the shape: the `#` / `<h1>` is the title, each `##` /
`<h2>` a section (or the FAQ section), each `###` / `<h3>` of the FAQ section a question, as is a
paragraph of its own ending in '?' there; a `###` / `<h3>` elsewhere is a subheading kept in its
section's text. Paragraphs, lists, quotes, links and emphasis are kept as Markdown.

HTML is read with the standard library's tokenizer (html.parser), as saved from a web page or a
WordPress post: where the page has an `<article>` (else a `<main>`) only the first one is read,
and a page's navigation, sidebars and footers never are. Nothing active is ever kept, from HTML or
from HTML written inside Markdown: scripts, styles, frames, embedded objects and forms are dropped
with their content, and so are event-handler and style attributes and links other than to web
pages, email addresses and phone numbers. Each is reported in the article's warnings, naming the
element and its lines; pictures and media are left out the same way (the site stores none).
"""

import re
from html import escape
from html.parser import HTMLParser

from conditions.article.shape import ArticleBuilder, ArticleError, Part, is_keyword_text
from conditions.text import markdown_escape_inline, markdown_escape_start, markdown_text

# Dropped with everything inside them, and reported: they run code, style or embed.
_ACTIVE = {
    "script": "scripts are never imported",
    "style": "the site's own styles are used",
    "iframe": "embedded pages are never imported",
    "frame": "embedded pages are never imported",
    "frameset": "embedded pages are never imported",
    "object": "embedded content is never imported",
    "embed": "embedded content is never imported",
    "applet": "embedded content is never imported",
    "svg": "embedded drawings are never imported",
    "math": "embedded content is never imported",
    "template": "templates are never imported",
    "form": "forms are never imported",
}
# Left out with their content, and reported where they are in the article.
_MEDIA = {"img", "picture", "video", "audio", "figure"}
# A page's furniture, not the article: left out with their content, without a word.
_FURNITURE = {
    "head", "nav", "aside", "footer", "noscript", "button", "select", "textarea", "canvas",
    "dialog", "label",
}  # fmt: skip
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "dt", "dd", "pre", "tr", "caption", "figcaption", "address", "summary"}
_CONTAINERS = {
    "html", "body", "div", "section", "article", "main", "header", "table", "thead", "tbody",
    "tfoot", "dl", "hr", "details",
}  # fmt: skip
# Inline elements kept as Markdown: their marks (a link is written apart).
_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "a": "[]"}
_LINK_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SHOWN_LINES = 8


def _lines(numbers):
    """'line 5', 'lines 5 and 9', 'lines 5, 9, … and 4 more'."""
    numbers = sorted(set(numbers))
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = [str(n) for n in numbers[:_SHOWN_LINES]]
    more = len(numbers) - len(shown)
    if more:
        return f"lines {', '.join(shown)} and {more} more"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


class _Dropped:
    """What a reader left out: each kind once, with every line it was found at."""

    def __init__(self):
        self.found = {}

    def add(self, what, why, line):
        self.found.setdefault((what, why), []).append(line)

    def element(self, tag, line):
        self.add(f"<{tag}>", _ACTIVE.get(tag, "pictures and media are not imported"), line)

    def attributes(self, tag, attrs, line, inside=True):
        """Report the attributes of an element that are never kept; return the others."""
        kept = []
        for name, value in attrs:
            if name.startswith("on"):
                self.add(
                    f"the {name} attribute of <{tag}>", "event handlers are never imported", line
                )
            elif name == "style":
                if inside:
                    self.add("style attributes", "the site's own styles are used", line)
            else:
                kept.append((name, value))
        return kept

    def messages(self):
        return [
            f"Dropped {what} at {_lines(lines)}: {why}."
            for (what, why), lines in sorted(self.found.items(), key=lambda item: min(item[1]))
        ]


def _safe_href(href):
    """A link's address to keep, or None where it is not to a web page, email or phone."""
    href = re.sub(r"[\x00-\x20]", "", href or "")
    scheme = _SCHEME.match(href)
    if not href or (scheme and scheme.group(1).lower() not in _LINK_SCHEMES):
        return None
    return href.replace("(", "%28").replace(")", "%29")


def _build(items, last_line, format, names, dropped):
    """An Article from a format's (kind, Part) items: kind h1-h6 or "text"."""
    title_at = next((i for i, (kind, _) in enumerate(items) if kind == "h1"), None)
    if title_at is None:
        line = items[0][1].line if items else 1
        raise ArticleError(line, f"expected the title first, as a {names[0]} heading")
    for kind, part in items[:title_at]:
        if kind != "text":
            raise ArticleError(part.line, f"the heading '{part.text}' comes before the title")
    title = items[title_at][1]
    article = ArticleBuilder(title.text, title.line, headings=f"{names[1]} headings")
    if title_at:
        lines = _lines([part.line for _, part in items[:title_at]])
        article.warnings.append(f"Left out the text before the title, at {lines}.")
    for kind, part in items[title_at + 1 :]:
        state = article.state
        if state == "closing":
            article.text(part)
        elif kind == "h1":
            raise ArticleError(
                part.line,
                f"a second title ({names[0]}) '{part.text}': the article's title is at line "
                f"{title.line}, and an article has one",
            )
        elif kind == "h2":
            if state == "faq":
                raise ArticleError(
                    part.line,
                    f"the section '{part.text}' follows the FAQ section: condition sections come "
                    "before it, and the keyword line after it",
                )
            article.heading(part.text, part.line)
        elif kind != "text":
            if state == "faq":
                article.question(part.text, part.line)
            elif state == "sections":
                section = article.sections[-1]
                if not section.parts:
                    raise ArticleError(
                        part.line,
                        f"the section '{section.name}' starts with the heading '{part.text}': its "
                        "first paragraph must come first (its first sentence is the summary)",
                    )
                level = "#" * (int(kind[1]) - 1)
                heading = f"{level} {markdown_escape_inline(part.text)}"
                article.text(Part(part.text, part.line, heading, single_line=False))
            else:
                article.text(part)
        elif part.single_line and is_keyword_text(part.text):
            article.keyword_line(part)
        elif state == "faq" and part.single_line and part.text.endswith("?"):
            article.question(part.text, part.line)
        else:
            article.text(part)
    article.warnings[:0] = dropped.messages()
    return article.article(last_line, format)


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d+[.)])[ \t]")
_ACTIVE_IN_MARKDOWN = re.compile(
    r"<\s*/?\s*(?:" + "|".join(_ACTIVE) + r")\b|<[a-z][^>]*\s(?:on[a-z]+|style)\s*=",
    re.IGNORECASE,
)


def parse_markdown(text):
    """Read a Markdown article."""
    dropped = _Dropped()
    if _ACTIVE_IN_MARKDOWN.search(text):
        text = _drop_active_html(text, dropped)
    lines = text.split("\n")
    items, block, start, fence = [], [], 0, None

    def flush():
        if block:
            source = "\n".join(block).strip()
            plain = markdown_text(source)
            if plain:
                single = len(block) == 1 and not _LIST_ITEM.match(block[0])
                items.append(("text", Part(plain, start, source, single_line=single)))
            block.clear()

    for number, line in enumerate(lines, start=1):
        if fence:
            block.append(line)
            if line.strip().startswith(fence):
                fence = None
                flush()
        elif match := _FENCE.match(line):
            flush()
            fence, start = match.group(1), number
            block.append(line)
        elif match := _ATX.match(line):
            flush()
            heading = markdown_text(match.group(2) or "")
            items.append((f"h{len(match.group(1))}", Part(heading, number)))
        elif _SETEXT.match(line):
            if block and not _LIST_ITEM.match(block[0]):
                level = "h1" if line.strip().startswith("=") else "h2"
                items.append((level, Part(markdown_text(" ".join(block)), start)))
                block.clear()
            else:
                flush()  # a thematic break
        elif not line.strip():
            flush()
        else:
            if not block:
                start = number
            block.append(line)
    flush()
    return _build(items, len(lines), "markdown", ("#", "##", "###"), dropped)


class _ActiveHTMLFilter(HTMLParser):
    """Markdown's own HTML, as written, less active elements and attributes; each line stays
    where it was, so that later messages name the right one."""

    def __init__(self, dropped):
        super().__init__(convert_charrefs=False)
        self.dropped = dropped
        self.out = []
        self.skipping = None  # [tag, depth] of the element being left out

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, closed=True)

    def _tag(self, tag, attrs, closed):
        raw = self.get_starttag_text()
        line = self.getpos()[0]
        if self.skipping:
            if tag == self.skipping[0] and not closed:
                self.skipping[1] += 1
            self.out.append("\n" * raw.count("\n"))
            return
        if tag in _ACTIVE:
            self.dropped.element(tag, line)
            if not closed and tag not in _VOID:
                self.skipping = [tag, 1]
            self.out.append("\n" * raw.count("\n"))
            return
        kept = self.dropped.attributes(tag, attrs, line)
        if len(kept) == len(attrs):
            self.out.append(raw)
        else:
            written = "".join(
                f' {name}="{escape(value)}"' if value is not None else f" {name}"
                for name, value in kept
            )
            self.out.append(f"<{tag}{written}{' /' if closed else ''}>")

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping[1] -= 1
                if not self.skipping[1]:
                    self.skipping = None
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append("\n" * data.count("\n") if self.skipping else data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        self.handle_data(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.handle_data(f"<!{decl}>")

    def handle_pi(self, data):
        self.handle_data(f"<?{data}>")

    def unknown_decl(self, data):
        self.handle_data(f"<![{data}]>")


def _drop_active_html(text, dropped):
    parser = _ActiveHTMLFilter(dropped)
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


class _Block:
    """The paragraph, heading or list item being read: its plain words and its Markdown."""

    def __init__(self, kind, line):
        self.kind = kind
        self.line = line
        self.markdown = []
        self.plain = []
        self.marks = []  # (tag, where its text starts in self.markdown, link address)

    def add_text(self, data):
        if self.kind == "pre":
            self.markdown.append(data)
        else:
            data = re.sub(r"\s+", " ", data)
            self.markdown.append(markdown_escape_inline(data))
        self.plain.append(data)

    def line_break(self):
        self.markdown.append("\n")
        self.plain.append(" ")

    def open_mark(self, tag, href=None):
        self.marks.append((tag, len(self.markdown), href))

    def close_mark(self, tag):
        opened = [i for i, (mark, _, _) in enumerate(self.marks) if _MARKS[mark] == _MARKS[tag]]
        if not opened:
            return
        mark, start, href = self.marks[opened[-1]]
        del self.marks[opened[-1] :]  # marks opened inside it and never closed are left out
        inner = "".join(self.markdown[start:])
        del self.markdown[start:]
        core = inner.strip()
        if core and (mark != "a" or href):
            lead = inner[: len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()) :]
            core = f"[{core}]({href})" if mark == "a" else f"{_MARKS[mark]}{core}{_MARKS[mark]}"
            inner = lead + core + trail
        self.markdown.append(inner)

    @property
    def text(self):
        return " ".join("".join(self.plain).split())

    def markdown_text(self):
        source = "".join(self.markdown)
        if self.kind == "pre":
            return f"```\n{source.strip(chr(10))}\n```"
        lines = [" ".join(line.split()) for line in source.split("\n")]
        return "  \n".join(markdown_escape_start(line) for line in lines if line)


class _HTMLArticle(HTMLParser):
    """Reads an HTML page into (kind, Part) items for _build."""

    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.root = root  # "article", "main", or None for the whole page
        self.root_depth = 0
        self.root_done = False
        self.skipping = None  # [tag, depth] of the element being left out
        self.items = []
        self.block = None
        self.lists = []  # the open lists: [tag, number of items so far]
        self.list_lines, self.list_plain, self.list_line = [], [], 0
        self.quotes = 0
        self.dropped = _Dropped()

    @property
    def inside(self):
        return self.root is None or self.root_depth > 0

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        in_article = self.inside and not self.skipping
        if tag in _ACTIVE and (tag != "form" or in_article):  # a page's search box is furniture
            self.dropped.element(tag, line)
        attrs = self.dropped.attributes(tag, attrs, line, inside=in_article)
        if tag == "body" and self.skipping and self.skipping[0] == "head":
            self.skipping = None  # a page that never closed its <head>
        if self.skipping:
            if tag == self.skipping[0] and tag not in _VOID:
                self.skipping[1] += 1
            return
        if tag in _ACTIVE or tag in _MEDIA or tag in _FURNITURE:
            if tag in _MEDIA and self.inside:
                self.dropped.element(tag, line)
            if tag not in _VOID:
                self.skipping = [tag, 1]
            return
        if self.root and tag == self.root and not self.root_done:
            self.root_depth += 1
            if self.root_depth == 1:
                return
        if self.inside:
            self._open(tag, dict(attrs), line)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping[1] -= 1
                if not self.skipping[1]:
                    self.skipping = None
            return
        if self.root and tag == self.root and self.root_depth:
            self.root_depth -= 1
            if not self.root_depth:
                self._flush(lists=True)
                self.root_done = True
                return
        if self.inside:
            self._close(tag)

    def handle_data(self, data):
        if self.skipping or not self.inside:
            return
        if self.block is None:
            if not data.strip():
                return
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.block = _Block("li" if self.lists else "p", line)
        self.block.add_text(data)

    def _open(self, tag, attrs, line):
        if tag in _HEADINGS:
            self._flush(lists=True)
            self.block = _Block(tag, line)
        elif tag in {"ul", "ol"}:
            if self.lists:
                self._end_item()
            else:
                self._flush()
                self.list_line = line
            self.lists.append([tag, 0])
        elif tag == "li" or (self.lists and tag in _BLOCKS):
            self._end_item()
            self.block = _Block("li", line)
        elif tag == "blockquote":
            self._flush(lists=True)
            self.quotes += 1
        elif tag in _BLOCKS:
            self._flush(lists=True)
            self.block = _Block(tag, line)
        elif tag in _CONTAINERS:
            if not self.lists:
                self._flush()
        elif tag == "br":
            if self.block:
                self.block.line_break()
        elif tag in _MARKS:
            if self.block is None:
                self.block = _Block("li" if self.lists else "p", line)
            href = None
            if tag == "a":
                href = _safe_href(attrs.get("href"))
                if href is None and attrs.get("href"):
                    self._report_link(attrs["href"], line)
            self.block.open_mark(tag, href)

    def _report_link(self, href, line):
        scheme = _SCHEME.match(re.sub(r"[\x00-\x20]", "", href))
        self.dropped.add(
            f"the {scheme.group(1).lower()}: link" if scheme else "a link",
            "only links to web pages, email addresses and phone numbers are kept (its text is)",
            line,
        )

    def _close(self, tag):
        if tag in _HEADINGS or tag in _BLOCKS:
            if self.block and self.block.kind in {tag, "p"} and not self.lists:
                self._flush()
        elif tag == "li":
            self._end_item()
        elif tag in {"ul", "ol"}:
            if self.lists:
                self._end_item()
                self.lists.pop()
                if not self.lists:
                    self._emit_list()
        elif tag == "blockquote":
            self._flush(lists=True)
            self.quotes = max(0, self.quotes - 1)
        elif tag in _CONTAINERS:
            if not self.lists:
                self._flush()
        elif tag in _MARKS and self.block:
            self.block.close_mark(tag)

    def _end_item(self):
        if self.block is None:
            return
        block, self.block = self.block, None
        markdown = block.markdown_text()
        if not markdown:
            return
        if not self.lists:  # an item outside any list: a paragraph
            self._add_text(Part(block.text, block.line, markdown))
            return
        tag, count = self.lists[-1]
        self.lists[-1][1] += 1
        marker = f"{count + 1}." if tag == "ol" else "-"
        indent = "    " * (len(self.lists) - 1)
        self.list_lines.append(f"{indent}{marker} {markdown}")
        self.list_plain.append(block.text)

    def _emit_list(self):
        if self.list_lines:
            text = " ".join(self.list_plain)
            markdown = "\n".join(self.list_lines)
            self._add_text(Part(text, self.list_line, markdown, single_line=False))
        self.list_lines, self.list_plain = [], []

    def _flush(self, lists=False):
        """Finish the block being read; with `lists`, any open list too."""
        if self.lists:
            self._end_item()
            if lists:
                self.lists = []
                self._emit_list()
            return
        block, self.block = self.block, None
        if block is None or not block.text:
            return
        if block.kind in _HEADINGS:
            self.items.append((block.kind, Part(block.text, block.line)))
        else:
            self._add_text(Part(block.text, block.line, block.markdown_text()))

    def _add_text(self, part):
        if self.quotes:
            part.markdown = "\n".join(f"> {line}" for line in part.markdown.split("\n"))
            part.single_line = False
        self.items.append(("text", part))


def parse_html(text):
    """Read an HTML article: a saved web page, a WordPress post, or a fragment of either."""
    root = next((tag for tag in ("article", "main") if re.search(rf"<{tag}\b", text, re.I)), None)
    reader = _HTMLArticle(root)
    reader.feed(text)
    reader.close()
    reader._flush(lists=True)
    names = ("<h1>", "<h2>", "<h3>")
    return _build(reader.items, text.count("\n") + 1, "html", names, reader.dropped)
