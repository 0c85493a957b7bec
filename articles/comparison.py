"""Two versions of an article side by side, as editors read them: the
visible text compared word by word, tags as added and removed names."""

from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.utils import formats, timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .models import Article, Photo, Tag, TaggedArticle

COMPARED_FIELDS = (
    *Article.TEXT_FIELDS,
    "photo_id",  # field_dict is keyed by attname; the photo's own texts
    # are versioned with the photo in the library
    *Article.VISIBILITY_FIELDS,
)


def word_diff(old, new):
    """HTML of `new` against `old`, word by word: removed words in <del>,
    added ones in <ins>, everything escaped."""
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))


def _visible(name, value):
    """A stored value as the editor knows it: the body without markup, a
    time as dd.mm.yyyy HH:MM, a status by its German label."""
    if value is None or value == "":
        return ""
    if name == "body":
        return strip_tags(value)
    if name == "status":
        return str(dict(Article._meta.get_field("status").choices).get(value, value))
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "d.m.Y H:i")
    if name == "photo_id":
        photo = Photo.objects.filter(pk=value).first()
        return str(photo) if photo else f"#{value}"
    return str(value)


def version_tags(version):
    """The tag names stored with `version` (its revision's tag links)."""
    links = version.revision.version_set.filter(
        content_type=ContentType.objects.get_for_model(TaggedArticle)
    )
    tag_ids = set()
    for link in links:
        fields = link.field_dict  # keyed by attname in reversion 6
        article_id = fields.get("content_object_id", fields.get("content_object"))
        if str(article_id) == version.object_id:
            tag_ids.add(fields.get("tag_id", fields.get("tag")))
    names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    return sorted(names.get(pk, f"#{pk}") for pk in tag_ids)


def compare_versions(old, new):
    """Rows {label, old, new, diff} for each field that differs between the
    versions `old` and `new`, then {label, added, removed} for the tags."""
    before, after = old.field_dict, new.field_dict
    rows = []
    for name in COMPARED_FIELDS:
        old_text = _visible(name, before.get(name))
        new_text = _visible(name, after.get(name))
        if old_text != new_text:
            rows.append(
                {
                    "label": Article._meta.get_field(name).verbose_name,
                    "old": old_text,
                    "new": new_text,
                    "diff": word_diff(old_text, new_text),
                }
            )
    old_tags, new_tags = set(version_tags(old)), set(version_tags(new))
    tags = None
    if old_tags != new_tags:
        tags = {
            "label": gettext("Schlagwörter"),
            "added": sorted(new_tags - old_tags),
            "removed": sorted(old_tags - new_tags),
        }
    return rows, tags
