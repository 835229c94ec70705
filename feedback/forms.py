"""The two steps of "Was this page helpful?": the answer, then an optional comment."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from feedback.redaction import plain

COMMENT_MAX_LENGTH = 500


class AnswerForm(forms.Form):
    """Yes or no about a page, named as services.page_ref() names it."""

    page = forms.CharField(max_length=120)
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes"
    )


class CommentField(forms.CharField):
    """Text counted as the patient sees it: one character a line break, nothing invisible."""

    def to_python(self, value):
        return plain(super().to_python(value))


class CommentForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    comment = CommentField(
        # Optional as a step (the answer is already saved), but a sent form needs a comment.
        required=False,
        # No maxlength attribute: a browser would cut pasted text short without a word; the
        # patient is told instead, and keeps what they typed.
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, helpful, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        if helpful:
            field.label = gettext_lazy("What helped you?")
        else:
            field.label = gettext_lazy("What was missing or unclear?")
        field.help_text = gettext_lazy(
            "Do not include personal or medical details. We read every comment, but we cannot "
            "reply to it."
        )
        # The hint and the count of characters left are read with the box.
        describedby = f"{self.auto_id % 'comment'}_helptext {self.auto_id % 'comment'}_count"
        field.widget.attrs["aria-describedby"] = describedby

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if not comment:
            raise forms.ValidationError(gettext("Write your comment, or go back to the page."))
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                gettext(
                    "Your comment has %(length)d characters; it can have at most %(limit)d. "
                    "Shorten it and send it again."
                )
                % {"length": len(comment), "limit": COMMENT_MAX_LENGTH}
            )
        return comment
