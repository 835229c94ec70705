"""`{% feedback_form item %}`: "Was this page helpful?" for a content page."""

from django import template

from feedback.services import page_ref

register = template.Library()


@register.inclusion_tag("includes/feedback_form.html", takes_context=True)
def feedback_form(context, item, about="page"):
    """The Yes / No form for `item`; `about="answer"` for one question of the FAQ list.

    No query: the form names the page by its model and id. Staff previewing an unpublished
    item get no form, since only published pages take answers.
    """
    return {
        "show": not context.get("preview"),
        "ref": page_ref(item),
        "widget_id": f"feedback-{item._meta.model_name}-{item.pk}",
        "about": about,
    }
