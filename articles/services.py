"""Writes that span several rows: publishing and unpublishing many articles,
restoring an article's earlier content, tagging articles and keeping the tag
vocabulary clean. Every change of an article's tags is logged as a
TagChange."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from . import page_cache
from .cache_keys import article_keys, tagging_keys
from .models import (
    EDITING_SEEN_WITHIN,
    Article,
    ArticleAuthor,
    ArticleStatus,
    Correction,
    Dossier,
    EditingDraft,
    Tag,
    TagChange,
    TaggedArticle,
    TagRedirect,
)
from .site_url import absolute_url

logger = logging.getLogger(__name__)


def _articles_apply(*, articles, change, user):
    """Run `change(article)` on each of `articles`, each in its own
    transaction, recording `user` as last editor. An article the model
    refuses (ValidationError) stays as it was and the others go on.
    Returns (number changed, [(article, ValidationError), …] refused)."""
    changed, refused = 0, []
    for article in articles:
        article.last_editor = user
        try:
            with transaction.atomic():
                change(article)
        except ValidationError as error:
            refused.append((article, error))
        else:
            changed += 1
    return changed, refused


def articles_publish(*, articles, user):
    """Publish each of `articles` now (see Article.publish()); articles_apply()
    says what it returns."""
    return _articles_apply(
        articles=articles, change=lambda article: article.publish(), user=user
    )


def articles_unpublish(*, articles, user):
    """Take each of `articles` off the site (see Article.unpublish())."""
    return _articles_apply(
        articles=articles, change=lambda article: article.unpublish(), user=user
    )


def article_restore_fields():
    """The columns a restore brings back: Article.TEXT_FIELDS and
    Article.PHOTO_FIELDS (the library photo, with its own renditions)."""
    names = Article.TEXT_FIELDS + Article.PHOTO_FIELDS
    return [Article._meta.get_field(name) for name in names]


def article_content(article_id):
    """What a restore may change of an article: its restorable columns and
    its tag names, read from the database."""
    fields = article_restore_fields()
    row = Article.objects.filter(pk=article_id).values(*(f.attname for f in fields))
    tags = TaggedArticle.objects.filter(content_object_id=article_id)
    return {**row.get(), "tags": sorted(tags.values_list("tag__name", flat=True))}


def article_kept_on_restore(article_id):
    """The columns a restore leaves as they are (status, publication dates,
    URL name, municipality, authorship, updated_at for the conflict check):
    every column except article_restore_fields() and the search columns,
    which PostgreSQL's trigger writes."""
    restored = {field.attname for field in article_restore_fields()}
    names = [
        field.attname
        for field in Article._meta.concrete_fields
        if not field.primary_key
        and field.attname not in restored
        and field.name not in Article.SEARCH_INDEX_FIELDS
    ]
    return Article.objects.filter(pk=article_id).values(*names).get()


def article_restore_finish(*, article_id, kept, before):
    """After reversion has written an earlier version over the article
    (reverting its row and tags), put back the columns `kept` (from
    article_kept_on_restore()), so that a restore never changes whether,
    when or where readers see the article. Returns the German labels of what
    the restore changed, compared with `before` (article_content())."""
    Article.objects.filter(pk=article_id).update(**kept)
    after = article_content(article_id)
    labels = []
    for field in article_restore_fields():
        if before[field.attname] != after[field.attname]:
            labels.append(str(field.verbose_name))
    if before["tags"] != after["tags"]:
        labels.append(str(Article._meta.get_field("tags").verbose_name))
    return labels


def publishers():
    """Active users who may publish (articles.publish_article, through a
    group such as "Chef vom Dienst", directly, or as superusers)."""
    permission = Permission.objects.get(
        content_type__app_label="articles", codename="publish_article"
    )
    return (
        get_user_model()
        .objects.filter(
            Q(groups__permissions=permission)
            | Q(user_permissions=permission)
            | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _admin_link(article, request):
    """The article's admin page as an absolute link where one can be made."""
    path = reverse("admin:articles_article_change", args=[article.pk])
    try:
        return absolute_url(path, request)
    except ImproperlyConfigured:
        return path


def review_requested_notify(*, articles, user, request=None):
    """Tell every publisher with an e-mail address that `articles` wait for
    review, one mail each, through Django's mail backend (DJANGO_EMAIL_*).
    A failing mail server costs the mail, never the editor's save.
    Returns the number of mails sent."""
    articles = list(articles)
    if not articles:
        return 0
    lines = [
        f"- {article.kicker}: {article.title or gettext('(ohne Überschrift)')}\n"
        f"  {_admin_link(article, request)}"
        for article in articles
    ]
    subject = ngettext(
        "Zur Prüfung: %(title)s",
        "Zur Prüfung: %(count)d Artikel",
        len(articles),
    ) % {"title": articles[0].title, "count": len(articles)}
    body = gettext(
        "%(who)s hat zur Prüfung eingereicht:\n\n%(lines)s\n\n"
        "Alle Artikel in Prüfung stehen auf der Startseite der Redaktion."
    ) % {"who": user.get_username() if user else "–", "lines": "\n".join(lines)}
    messages = [
        EmailMessage(subject, body, to=[publisher.email])
        for publisher in publishers().exclude(email="")
        if user is None or publisher.pk != user.pk
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # SMTP down, refused, …: the submission stands
        logger.exception("review notification failed")
        return 0


def articles_submit_for_review(*, articles, user, request=None):
    """Put each of `articles` that is a draft "In Prüfung" and notify the
    publishers. Published or archived articles stay as they are (handing
    them over would take them offline). Returns (submitted, skipped)."""
    submitted, skipped = [], []
    for article in articles:
        if article.status != ArticleStatus.DRAFT:
            skipped.append(article)
            continue
        article.status = ArticleStatus.REVIEW
        article.last_editor = user
        article.save()
        submitted.append(article)
    review_requested_notify(articles=submitted, user=user, request=request)
    return submitted, skipped


def _editing_draft(*, user, article):
    draft = EditingDraft.objects.filter(user=user, article=article).first()
    return draft or EditingDraft(user=user, article=article)


@transaction.atomic
def editing_seen(*, user, article, data=None):
    """Record that `user` has `article`'s form (None: a new article's) open
    now; with `data`, also keep their input as the automatic save. A form
    not seen for EDITING_SEEN_WITHIN counts as opened anew."""
    now = timezone.now()
    draft = _editing_draft(user=user, article=article)
    if draft.pk is None or draft.seen_at < now - EDITING_SEEN_WITHIN:
        draft.opened_at = now
    draft.seen_at = now
    if data is not None:
        draft.data, draft.saved_at = data, now
    draft.save()
    return draft


def editing_finished(*, user, article):
    """The user saved: their automatic save is obsolete (a new article's
    too, which the save has just created)."""
    EditingDraft.objects.filter(
        Q(article=article) | Q(article__isnull=True), user=user
    ).delete()


def tags_get_or_create(*, names):
    """The tags for `names`, reusing existing ones regardless of case
    ("open data" finds "Open Data"); duplicates collapse to one tag."""
    tags = {}
    for name in names:
        name = name.strip()
        if not name:
            continue
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
        tags[tag.pk] = tag
    return list(tags.values())


def _article_tags_change(*, article, add, remove, user, clear_needs_tags):
    """Add and remove tags on one article and log what really changed."""
    current = set(
        TaggedArticle.objects.filter(content_object=article).values_list(
            "tag_id", flat=True
        )
    )
    added = [tag for tag in add if tag.pk not in current]
    removed = [tag for tag in remove if tag.pk in current]
    if added:
        article.tags.add(*added)
    if removed:
        article.tags.remove(*removed)
    # update(): the moderator changes tags only, no other column.
    columns = {}
    if added or removed:
        TagChange.objects.create(
            article=article,
            user=user,
            added=sorted(tag.name for tag in added),
            removed=sorted(tag.name for tag in removed),
        )
        # A tag change is a change of the article: an editor who opened it
        # before is warned before saving over it (ArticleAdminForm).
        columns["updated_at"] = timezone.now()
    if clear_needs_tags and article.needs_tags and (added or current):
        columns["needs_tags"] = False
    if columns:
        Article.objects.filter(pk=article.pk).update(**columns)
        for name, value in columns.items():
            setattr(article, name, value)
    if "updated_at" in columns:  # the sitemap's lastmod, the article's ETag
        page_cache.changed(
            article_keys(article, article), cause=f"article {article.pk} tagged"
        )
    return added, removed


@transaction.atomic
def article_tags_set(*, article, names, user, clear_needs_tags=True):
    """Give `article` exactly the tags `names` and log the difference.

    From the tagging admin this also takes the article off the queue;
    editors' saves in ArticleAdmin pass `clear_needs_tags=False`, so their
    own "needs tags" mark stays as they set it."""
    wanted = tags_get_or_create(names=names)
    wanted_ids = {tag.pk for tag in wanted}
    unwanted = Tag.objects.filter(tagged_articles__content_object=article).exclude(
        pk__in=wanted_ids
    )
    return _article_tags_change(
        article=article,
        add=wanted,
        remove=list(unwanted),
        user=user,
        clear_needs_tags=clear_needs_tags,
    )


@transaction.atomic
def articles_tags_add(*, articles, names, user):
    """Add the tags `names` to every article of `articles` (tagging queue);
    each article leaves the queue. Returns the number of articles changed."""
    tags = tags_get_or_create(names=names)
    changed = 0
    for article in articles:
        added, _removed = _article_tags_change(
            article=article, add=tags, remove=(), user=user, clear_needs_tags=True
        )
        changed += bool(added)
    return changed


@transaction.atomic
def articles_tags_remove(*, articles, tags, user):
    """Remove `tags` from every article of `articles`. Returns the number of
    articles changed."""
    changed = 0
    for article in articles:
        _added, removed = _article_tags_change(
            article=article, add=(), remove=tags, user=user, clear_needs_tags=False
        )
        changed += bool(removed)
    return changed


def _tag_unique_slug(tag, name):
    """The slug for `name`, numbered if another tag already holds it."""
    slug = tag.slugify(name)
    taken = set(
        Tag.objects.exclude(pk=tag.pk)
        .filter(slug__startswith=slug)
        .values_list("slug", flat=True)
    )
    number = 1
    while slug in taken:
        slug = tag.slugify(name, number)
        number += 1
    return slug


def _tag_redirect(*, old_slug, tag):
    """Send `old_slug` to `tag` from now on, and earlier redirects to `tag`
    stay direct (no chains)."""
    TagRedirect.objects.filter(old_slug=tag.slug).delete()
    TagRedirect.objects.update_or_create(old_slug=old_slug, defaults={"tag": tag})


@transaction.atomic
def tag_rename(*, tag, name):
    """Rename `tag`; its slug follows the name, and the old topic URL
    redirects permanently to the new one."""
    old_slug = tag.slug
    tag.name = name
    tag.slug = _tag_unique_slug(tag, name)
    tag.save()
    if tag.slug != old_slug:
        _tag_redirect(old_slug=old_slug, tag=tag)
    return tag


@transaction.atomic
def tag_merge(*, source, target, user):
    """Merge `source` into `target`: every article of the source gets the
    target (none loses a tag), each change is logged, dossiers on the source
    topic move to the target, the source is deleted and its topic URL (and
    any URL that led to it) redirects to the target.
    Returns the number of articles that carried the source."""
    if source.pk == target.pk:
        raise ValueError("A tag cannot be merged into itself.")
    links = TaggedArticle.objects.filter(tag=source).select_related("content_object")
    has_target = set(
        TaggedArticle.objects.filter(tag=target).values_list(
            "content_object_id", flat=True
        )
    )
    articles = [link.content_object for link in links]
    TagChange.objects.bulk_create(
        TagChange(
            article=article,
            user=user,
            added=[] if article.pk in has_target else [target.name],
            removed=[source.name],
        )
        for article in articles
    )
    # Articles with both tags just drop the source; the rest move over.
    # Each counts as changed (see _article_tags_change()).
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        updated_at=timezone.now()
    )
    links.filter(content_object_id__in=has_target).delete()
    TaggedArticle.objects.filter(tag=source).update(tag=target)
    # update() sends no signals: the moved articles now show the target.
    keys = {page_cache.list_key("tag", source.pk)}
    for article in articles:
        link = TaggedArticle(content_object_id=article.pk, tag_id=target.pk)
        keys |= tagging_keys(None, link)
    page_cache.changed(keys, cause=f"tag {source.pk} merged into {target.pk}")
    TagRedirect.objects.filter(tag=source).update(tag=target)
    # A dossier on the source topic keeps its articles under the target
    # (saved one by one: few rows, and each save invalidates its pages).
    for dossier in Dossier.objects.filter(topic=source):
        dossier.topic = target
        dossier.save(update_fields=["topic", "updated_at"])
    old_slug = source.slug
    source.delete()
    _tag_redirect(old_slug=old_slug, tag=target)
    return len(articles)


@transaction.atomic
def tags_merge(*, sources, target, user):
    """Merge every tag of `sources` into `target` (see tag_merge()), all or
    none; `target` among the sources is skipped. Returns the merged tags."""
    merged = [tag for tag in sources if tag.pk != target.pk]
    for source in merged:
        tag_merge(source=source, target=target, user=user)
    return merged


@transaction.atomic
def article_authors_set(*, article, authors):
    """Make `authors` (in this order) the byline of `article`: rows of
    authors no longer named are deleted, the others get their position, new
    ones are added; rows that stay as they are are not written."""
    wanted = {author.pk: position for position, author in enumerate(authors)}
    current = {byline.author_id: byline for byline in article.bylines.all()}
    for author_id, byline in current.items():
        if author_id not in wanted:
            byline.delete()
    for author_id, position in wanted.items():
        byline = current.get(author_id)
        if byline is None:
            ArticleAuthor.objects.create(
                article=article, author_id=author_id, position=position
            )
        elif byline.position != position:
            byline.position = position
            byline.save(update_fields=["position"])


def correction_add(*, article, text, user):
    """Add the correction note `text` to `article`, dated now."""
    return Correction.objects.create(article=article, text=text, created_by=user)
