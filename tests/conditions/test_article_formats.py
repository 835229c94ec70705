"""Reading an article as plain text, Markdown or HTML: one shape, judged by content; bad files
refused with the line or element named; nothing active ever kept."""

from pathlib import Path

import pytest

from conditions.article import ArticleError, parse_article
from conditions.services.importing import SEED_ARTICLE
from conditions.text import render_markdown

ARTICLES = Path(__file__).resolve().parent / "articles"
FRONT_OF_KNEE = {fmt: ARTICLES / f"front-of-knee.{ext}" for fmt, ext in
                 [("text", "txt"), ("markdown", "md"), ("html", "html")]}  # fmt: skip


def read(fmt):
    return parse_article(FRONT_OF_KNEE[fmt].read_bytes())


def shape(article):
    """What the importer takes from an article (its intro and closing are not imported)."""
    return (
        article.title,
        [(s.name, s.summary, s.body, s.paragraphs) for s in article.sections],
        [(f.question, f.answer) for f in article.faqs],
        article.keywords,
    )


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_markdown_and_html_give_the_plain_text_articles_shape(fmt):
    assert shape(read(fmt)) == shape(read("text"))


def test_the_test_article_has_four_conditions_three_questions_and_keywords():
    article = read("text")
    assert [s.name for s in article.sections] == [
        "Patellofemoral Pain Syndrome",
        "Baker’s Cyst",
        "Osgood-Schlatter Disease",
        "Prepatellar Bursitis",
    ]
    assert [f.question for f in article.faqs][0] == (
        "Why does the front of my knee hurt when I climb stairs?"
    )
    assert "front of knee" in article.keywords


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_format_is_judged_by_content_not_by_name(fmt, tmp_path):
    disguised = tmp_path / "article.txt"
    disguised.write_bytes(FRONT_OF_KNEE[fmt].read_bytes())
    assert parse_article(disguised.read_bytes()).format == fmt


def test_the_seed_article_still_reads_as_plain_text():
    article = parse_article(SEED_ARTICLE.read_bytes())
    assert article.format == "text"
    assert len(article.sections) == 9
    assert article.warnings == []


def test_html_drops_scripts_styles_and_event_handlers_and_names_each():
    article = read("html")
    assert article.warnings == [
        "Dropped <style> at line 7: the site's own styles are used.",
        "Dropped <script> at lines 8, 29 and 51: scripts are never imported.",
        "Dropped the onclick attribute of <p> at line 42: event handlers are never imported.",
    ]
    stored = " ".join(
        [s.body for s in article.sections] + [f.answer for f in article.faqs]
    )  # everything the importer would store
    for trace in ("dataLayer", "track(", "onclick", "<script", "margin"):
        assert trace not in stored


def test_html_reads_the_post_not_the_pages_furniture():
    article = read("html")
    names = [s.name for s in article.sections]
    assert "You may also like" not in names  # a second <article>
    assert all("Home" not in p for s in article.sections for p in s.paragraphs)  # the <nav>
    assert "Knee Clinic Blog" not in " ".join(article.closing)  # the page's footer


HTML = """<h1>Knee Notes</h1>
<p>Intro.</p>
<h2>Bad Knee</h2>
<p>Bad knee is a condition with <strong>swelling</strong>. It needs <a
href="https://example.com/rest">rest</a>, <em>ice</em> and <a href="javascript:alert(1)"
onmouseover="x()">care</a>.</p>
<ul><li>Rest it.</li><li>Ice it <b>often</b>.</li></ul>
<h3>When to worry</h3>
<p style="color:red">See a doctor if it is hot.<img src="x.png" alt="knee"></p>
<iframe src="https://example.com/video"></iframe>
<h2>FAQ</h2>
<p><strong>Why do knees hurt?</strong></p>
<p>For many reasons.</p>
<p>knee, swelling, rest, injury</p>
"""


def test_html_keeps_links_emphasis_lists_and_subheadings_as_markdown():
    article = parse_article(HTML.encode())
    section = article.sections[0]
    assert section.summary == "Bad knee is a condition with swelling."
    assert section.body == (
        "It needs [rest](https://example.com/rest), *ice* and care.\n\n"
        "- Rest it.\n- Ice it **often**.\n\n"
        "## When to worry\n\n"
        "See a doctor if it is hot."
    )
    assert article.faqs[0].question == "Why do knees hurt?"
    assert article.warnings == [
        "Dropped the onmouseover attribute of <a> at line 5: event handlers are never imported.",
        "Dropped the javascript: link at line 5: only links to web pages, email addresses and "
        "phone numbers are kept (its text is).",
        "Dropped style attributes at line 9: the site's own styles are used.",
        "Dropped <img> at line 9: pictures and media are not imported.",
        "Dropped <iframe> at line 10: embedded pages are never imported.",
    ]
    assert "<ul>" in render_markdown(section.body)


def test_markdown_drops_html_scripts_and_handlers_written_inside_it():
    text = (
        "# Knee Notes\n\nIntro.\n\n## Bad Knee\n\nBad knee hurts. It swells.\n\n"
        "<script>\nalert(1)\n</script>\n\n"
        'It needs <b onclick="x()">rest</b>.\n\n## FAQ\n\n### Why?\n\nBecause.\n\n'
        "knee, swelling, rest, injury\n"
    )
    article = parse_article(text.encode())
    assert article.format == "markdown"
    body = article.sections[0].body
    assert "alert" not in body and "onclick" not in body
    assert "It needs <b>rest</b>." in body
    assert article.warnings == [
        "Dropped <script> at line 9: scripts are never imported.",
        "Dropped the onclick attribute of <b> at line 13: event handlers are never imported.",
    ]


def test_formatting_of_a_first_paragraph_is_kept_after_the_summary():
    text = (
        "# T\n\n## Bad Knee\n\n**Bad knee** hurts a lot. See [a doctor](https://example.com).\n\n"
        "## FAQ\n\n### Why?\n\nBecause.\n\nknee, swelling, rest, injury\n"
    )
    section = parse_article(text.encode()).sections[0]
    assert section.summary == "Bad knee hurts a lot."
    assert section.body == "See [a doctor](https://example.com)."


BAD = {
    "over 2 MB": (
        b"a" * (2 * 1024 * 1024 + 1),
        "the file is 2.0 MB; an article may be 2 MB at most",
    ),
    "a PDF": (b"%PDF-1.7\n%\xe2\xe3", "the file is a PDF document, not text"),
    "a Word file": (b"PK\x03\x04\x14\x00", "the file is a Word, OpenDocument or ZIP file"),
    "binary": (b"Title\n\nsome\x00thing", "line 3: the file holds binary data (a NUL byte)"),
    "UTF-16": ("Title".encode("utf-16"), "the file is UTF-16 text; save it as UTF-8"),
    "not UTF-8": (b"Title\n\nCaf\xe9", "line 3: the file is not UTF-8 text (byte 0xe9)"),
    "control character": (b"Title\n\nBell\x07", "line 3: the file holds a control character"),
    "no sections": (
        b"Title\n\nJust an intro.\n\nknee, swelling, rest, injury\n",
        "the article has no condition sections (heading lines)",
    ),
    "HTML with no sections": (
        b"<h1>Title</h1><p>Intro.</p><p>knee, swelling, rest, injury</p>",
        "the article has no condition sections (<h2> headings)",
    ),
    "HTML with a section before the title": (
        b"<html><body>\n<h2>Bad Knee</h2>\n<h1>Title</h1><p>Hurts.</p></body></html>",
        "line 2: the heading 'Bad Knee' comes before the title",
    ),
    "HTML with no h1 at all": (
        b"<html><body>\n<p>Hurts.</p></body></html>",
        "line 2: expected the title first, as a <h1> heading",
    ),
    "Markdown section after the FAQ": (
        b"# T\n\n## Bad Knee\n\nHurts.\n\n## FAQ\n\n### Why?\n\nBecause.\n\n## More\n\nText.\n",
        "line 13: the section 'More' follows the FAQ section",
    ),
    "Markdown section starting with a subheading": (
        b"# T\n\n## Bad Knee\n\n### Signs\n\nHurts.\n\nknee, swelling, rest, injury\n",
        "line 5: the section 'Bad Knee' starts with the heading 'Signs'",
    ),
    "a heading with no letters": (
        b"<h1>T</h1><h2>???</h2><p>Text.</p><p>knee, swelling, rest, injury</p>",
        "the heading '???' has no letters or digits",
    ),
    "two titles": (
        b"# T\n\n## Bad Knee\n\nHurts.\n\n# Another\n",
        "line 7: a second title (#) 'Another'",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_files_are_refused_with_the_problem_and_its_line(case):
    data, message = BAD[case]
    with pytest.raises(ArticleError) as error:
        parse_article(data)
    assert message in str(error.value)
