"""Template tags and filters for public pages."""

from urllib.parse import quote

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from conditions.models import page_url
from conditions.text import markdown_text, render_markdown
from kneeinfo import languages
from kneeinfo.cache import generation_cached

register = template.Library()
register.simple_tag(page_url)


@register.filter
def markdown(source):
    """Render clinician Markdown as sanitised HTML."""
    return mark_safe(render_markdown(source or ""))


# Clinician Markdown as plain text, for meta descriptions and list cards.
register.filter("markdown_text", markdown_text)


@register.simple_tag
def page_lang():
    """The page's language as a BCP 47 tag, for <html lang>: en-US or es."""
    return languages.tag()


@register.simple_tag(takes_context=True)
def content_lang(context):
    """` lang="en-US"` on an element of an item's own wording when it is not in the page's
    language (the English of an untranslated item on a Spanish page); otherwise nothing."""
    if tag := context.get("content_lang"):
        return format_html(' lang="{}"', tag)
    return ""


@register.simple_tag(takes_context=True)
def page_alternates(context):
    """The page in every language it can be read in, and x-default, for hreflang links."""
    return languages.alternates(context["request"], context.get("page_languages"))


@register.simple_tag(takes_context=True)
def language_switches(context):
    """This page, with its query, in each other language, for the language switcher."""
    return languages.switches(context["request"])


@register.simple_tag
def appointment_url(condition=None):
    """The appointment request form's address, naming `condition` when there is one."""
    url = page_url("appointments:request")
    return f"{url}?condition={quote(condition.slug)}" if condition else url


@register.simple_tag
def language_prefix():
    """The active language's address prefix ("" or "/es"), for links written out by hand."""
    return languages.prefix(get_language())


@register.filter
def in_lang(text, tag):
    """`text` in <span lang="`tag`"> when a language tag is given (content_lang), else as is."""
    if not tag:
        return text
    return format_html('<span lang="{}">{}</span>', tag, text)


@register.tag
def kept_until_content_changes(parser, token):
    """`{% kept_until_content_changes "name" [value ...] %}…{% endkept_until_content_changes %}`:
    the part between is rendered once per content generation, language and values, then reused.

    For the parts of a page that show only content in the interface language (the site's
    navigation and footer; a condition's lists, with its id as the value): rendering their links
    and translated labels on every request was a large share of an uncached page. Nothing inside
    may depend on the request or the visitor.
    """
    tag_name, *bits = token.split_contents()
    if not bits or bits[0][0] not in "\"'" or bits[0][0] != bits[0][-1]:
        raise template.TemplateSyntaxError(f"{tag_name} needs a quoted name first")
    nodelist = parser.parse((f"end{tag_name}",))
    parser.delete_first_token()
    return KeptUntilContentChangesNode(
        bits[0][1:-1], [parser.compile_filter(bit) for bit in bits[1:]], nodelist
    )


class KeptUntilContentChangesNode(template.Node):
    def __init__(self, name, values, nodelist):
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context):
        values = [value.resolve(context, ignore_failures=True) for value in self.values]
        if None in values:
            # A value that names nothing must not make pages about different items share a part.
            return self.nodelist.render(context)
        html = generation_cached(
            f"fragment-{self.name}-{'-'.join(map(str, values))}-{get_language()}",
            lambda: self.nodelist.render(context),
        )
        return mark_safe(html)
