"""The shared tag vocabulary: the tag a typed name stands for, renaming and merging tags."""

from django.db import transaction

from conditions.models import Tag, TaggedItem, TagRedirect
from conditions.services import many_changes
from conditions.text import tag_key


def tag_merge(tags, into):
    """Move every item tagged with any of `tags` onto `into`, delete them, redirect their URLs."""
    with many_changes():
        for tag in tags:
            if tag.pk == into.pk:
                continue
            for tagged in TaggedItem.objects.filter(tag=tag):
                TaggedItem.objects.get_or_create(
                    tag=into, content_type_id=tagged.content_type_id, object_id=tagged.object_id
                )
            TagRedirect.objects.filter(tag=tag).update(tag=into)
            TagRedirect.objects.update_or_create(old_slug=tag.slug, defaults={"tag": into})
            tag.delete()
        TagRedirect.objects.filter(old_slug=into.slug).delete()


def tag_finder():
    """A function giving the existing tag that a typed name stands for, or None. One query.

    The tag of that very name in any case if there is one; else one whose name differs only in
    plural or apostrophes (tag_key), the oldest where several do.
    """
    by_name, by_key = {}, {}
    for tag in Tag.objects.order_by("pk"):
        by_name.setdefault(tag.name.casefold(), tag)
        by_key.setdefault(tag_key(tag.name), tag)
    return lambda name: by_name.get(name.casefold()) or by_key.get(tag_key(name))


def tag_names_fold(names):
    """`names` as typed into a tag field, each that stands for an existing tag replaced by that
    tag's name, repeats dropped: "Knees" joins the tag "knee" instead of starting a new one."""
    find = tag_finder()
    chosen = {}
    for name in names:
        tag = find(name)
        chosen.setdefault(tag.pk if tag else tag_key(name), tag.name if tag else name)
    return list(chosen.values())


def tag_rename(tag, name, slug=None):
    """Rename a tag; its old address keeps working."""
    old_slug = tag.slug
    with transaction.atomic():
        tag.name = name
        tag.slug = slug or tag.slugify(name)
        tag.save()
        if tag.slug != old_slug:
            TagRedirect.objects.update_or_create(old_slug=old_slug, defaults={"tag": tag})
            TagRedirect.objects.filter(old_slug=tag.slug).delete()
