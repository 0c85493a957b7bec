"""The editors' article screen: list, form, workflow actions, versions."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from js_asset.media import Media
from reversion.models import Version

from ..comparison import compare_versions
from ..forms import ArticleAdminForm, AttachmentInlineFormSet
from ..models import Article, ArticleAttachment, ArticleStatus, EditingDraft
from ..services import (
    article_authors_set,
    article_content,
    article_kept_on_restore,
    article_restore_finish,
    article_tags_set,
    articles_publish,
    articles_submit_for_review,
    articles_unpublish,
    correction_add,
    editing_finished,
    editing_seen,
    review_requested_notify,
)
from .base import DateCheckedAdmin, UploadProgressAdmin, VersionedAdmin

# What a bulk action reports: (how many succeeded, why one was refused).
PUBLISH_MESSAGES = (
    _("%(count)s Artikel veröffentlicht."),
    _("„%(title)s“ wurde nicht veröffentlicht: %(errors)s"),
)
UNPUBLISH_MESSAGES = (
    _("%(count)s Artikel zurückgezogen."),
    _("„%(title)s“ wurde nicht zurückgezogen: %(errors)s"),
)


class StatusFilter(admin.SimpleListFilter):
    """The workflow statuses, with "geplant" and "abgelaufen" split off
    from "Veröffentlicht" as the editors see them."""

    title = _("Status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (ArticleStatus.DRAFT, ArticleStatus.DRAFT.label),
            (ArticleStatus.REVIEW, ArticleStatus.REVIEW.label),
            ("scheduled", _("geplant")),
            (ArticleStatus.PUBLISHED, _("online")),
            ("expired", _("abgelaufen")),
            (ArticleStatus.ARCHIVED, ArticleStatus.ARCHIVED.label),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case "expired":
                return queryset.expired()
            case ArticleStatus.PUBLISHED:
                return queryset.published()
            case None:
                return queryset
            case status:
                return queryset.filter(status=status)


class MineFilter(admin.SimpleListFilter):
    """ "Meine Artikel": those the user wrote."""

    title = _("Autor")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("Meine Artikel"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(author=request.user)
        return queryset


class ArticleAttachmentInline(admin.TabularInline):
    """Links und Downloads: each row a link (title and URL) or a file
    (title and upload), in the order of "Reihenfolge"."""

    model = ArticleAttachment
    formset = AttachmentInlineFormSet
    fields = ["title", "url", "file", "position"]
    extra = 0
    # "www.example.org" typed without a scheme becomes https://www.example.org.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Article)
class ArticleAdmin(UploadProgressAdmin, DateCheckedAdmin, VersionedAdmin):
    form = ArticleAdminForm
    list_display = [
        "kicker",
        "title",
        "kind",
        "municipality",
        "status_label",
        "published_on",
        "author",
        "tag_list",
    ]
    list_display_links = ["kicker", "title"]
    list_filter = [
        StatusFilter,
        MineFilter,
        "kind",
        "municipality",
        "municipality__federal_state",
        "tags",
    ]
    list_select_related = ["municipality", "author"]
    search_fields = ["kicker", "title", "lead", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipality"]
    raw_id_fields = ["photo"]
    readonly_fields = [
        "preview_link",
        "author",
        "last_editor",
        "created_at",
        "updated_at",
        "substantively_updated_at",
        "correction_list",
    ]
    actions = ["submit_for_review", "publish_now", "unpublish"]
    inlines = [ArticleAttachmentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "preview_link",
                    "kind",
                    "municipality",
                    "kicker",
                    "title",
                    "slug",
                    "lead",
                    "body",
                ]
            },
        ),
        (
            _("Autorenzeile"),
            {"fields": ["byline", "agency"]},
        ),
        (
            _("Foto"),
            {
                "fields": [
                    "photo",
                    "image",
                    "stashed_image",
                    "alt_text",
                    "caption",
                    "image_credit",
                ]
            },
        ),
        (
            _("Veröffentlichung"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "unpublish_at",
                    "tags",
                    "needs_tags",
                ]
            },
        ),
        (
            _("Aktualisierung und Korrektur"),
            {
                "fields": [
                    "substantive_update",
                    "substantively_updated_at",
                    "new_correction",
                    "correction_list",
                ]
            },
        ),
        (
            _("Protokoll"),
            {
                "classes": ["collapse"],
                "fields": [
                    "author",
                    "last_editor",
                    "created_at",
                    "updated_at",
                    "opened_version",
                    "opened_content",
                ],
            },
        ),
    ]

    class Media:
        # Pre-fills the URL name as the server would (German umlauts); it
        # replaces URLify, so it must come after Django's urlify.js.
        js = [
            "admin/js/urlify.js",
            "articles/js/german_slug.js",
            # Warns before leaving with unsaved edits.
            "articles/js/unsaved_changes.js",
            # Saves input automatically, reports that the form is open.
            "articles/js/autosave.js",
            # The body editor in German, with spell checking and a name.
            "articles/js/editor_de.js",
            # A new photo's upload shows its progress.
            "js/upload_progress.js",
            # Authors keep the order in which they are chosen.
            "articles/js/author_order.js",
        ]
        css = {"all": ["articles/css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def has_publish_permission(self, request):
        """Publishing, scheduling and unpublishing: "Chef vom Dienst"."""
        return request.user.has_perm("articles.publish_article")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_publish = self.has_publish_permission(request)
        form.restored_input = None
        if request.method == "GET" and "autosave" in request.GET:
            draft = self.own_draft(request, obj)
            form.restored_input = draft.data if draft else None
        return form

    # Autosave and "someone is editing": the form's page reports every
    # AUTOSAVE_SECONDS (static/articles/js/autosave.js), with its input
    # when it changed.

    def get_urls(self):
        autosave = path(
            "autosave/",
            self.admin_site.admin_view(self.autosave_view),
            name="articles_article_autosave",
        )
        return [autosave, *super().get_urls()]

    def autosave_view(self, request):
        """POST article=<pk or empty>, the form's fields, and heartbeat=1
        when only presence is reported. 204."""
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = None
        if request.POST.get("article"):
            article = self.get_object(request, request.POST["article"])
            if article is None or not self.has_change_permission(request, article):
                raise PermissionDenied
        data = None
        if "heartbeat" not in request.POST:
            data = {
                name: values if len(values) > 1 else values[0]
                for name, values in request.POST.lists()
                if name not in ("csrfmiddlewaretoken", "article")
            }
        editing_seen(user=request.user, article=article, data=data)
        return HttpResponse(status=204)

    def own_draft(self, request, obj):
        """The user's automatic save of `obj` (None: a new article), if it
        holds input newer than the article's last save."""
        draft = EditingDraft.objects.filter(
            user=request.user, article=obj, saved_at__isnull=False
        ).first()
        if draft is None or (obj is not None and draft.saved_at <= obj.updated_at):
            return None
        return draft

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.method == "GET" and not getattr(request, "article_restore", None):
            article = (
                self.get_object(request, unquote(object_id)) if object_id else None
            )
            if article is not None or object_id is None:
                extra_context.update(self.editing_context(request, article))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def editing_context(self, request, article):
        """Who else has this article open, the user's own automatic save,
        and where the page reports to."""
        others = []
        if article is not None:
            others = list(
                EditingDraft.objects.open_now()
                .filter(article=article)
                .exclude(user=request.user)
                .select_related("user")
            )
            if self.has_change_permission(request, article):  # not mere viewers
                editing_seen(user=request.user, article=article)
        return {
            "editing_others": others,
            "own_draft": None
            if "autosave" in request.GET
            else self.own_draft(request, article),
            "autosave_url": reverse("admin:articles_article_autosave"),
            "autosave_article": article.pk if article else "",
        }

    @admin.display(description=_("Status"), ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return _("geplant")
        if obj.is_expired:
            return _("abgelaufen")
        return obj.get_status_display()

    @admin.display(description=_("veröffentlicht am"), ordering="published_at")
    def published_on(self, obj):
        if obj.published_at is None:
            return None
        return timezone.localtime(obj.published_at).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("Schlagwörter"))
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description=_("Korrekturhinweise"))
    def correction_list(self, obj):
        """The article's correction notes with their dates, each a link to
        change its text."""
        corrections = list(obj.corrections.all()) if obj.pk else []
        if not corrections:
            return _("Keine.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{} Uhr</a>: {}</li>',
                (
                    (
                        reverse("admin:articles_correction_change", args=[item.pk]),
                        formats.date_format(
                            timezone.localtime(item.created_at), "d.m.Y, H:i"
                        ),
                        item.text,
                    )
                    for item in corrections
                ),
            ),
        )

    @admin.display(description=_("Vorschau"))
    def preview_link(self, obj):
        if not obj.pk:
            return _("Nach dem ersten Speichern verfügbar.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("articles:preview", args=[obj.pk]),
            _("Vorschau öffnen (wie Leser sie sehen)"),
        )

    def get_view_on_site_url(self, obj=None):
        """Readers' page once published; until then the preview, which also
        works for a draft that has no URL name yet."""
        if obj is not None and not obj.is_published:
            return reverse("articles:preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor's import map is an inline script: give it this
        # response's CSP nonce, which Django 5.2's admin does not do itself.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def compare_view(self, request, object_id, extra_context=None):
        """Two versions in German: word-level differences of the visible
        text, tag changes, and restoring the older one (see below)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=unquote(object_id))
        try:
            ids = sorted(
                int(request.GET[name]) for name in ("version_id1", "version_id2")
            )
        except (KeyError, ValueError):
            raise Http404 from None
        versions = Version.objects.get_for_object(article)
        old = get_object_or_404(versions, pk=ids[0])
        new = get_object_or_404(versions, pk=ids[1])
        rows, tags = compare_versions(old, new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Fassungen vergleichen"),
            "original": article,
            "old": old,
            "new": new,
            "rows": rows,
            "tags": tags,
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "restore_url": reverse(
                "admin:articles_article_revision", args=[article.pk, old.pk]
            ),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    # Restoring a version ("Geschichte" or the comparison): reversion writes
    # the old version over the article, then runs the change form on it. We
    # note what must stay before, put it back once the form loads the
    # article, and name what was restored in the success message.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        version = get_object_or_404(Version, pk=version_id, object_id=object_id)
        if Article.objects.filter(pk=object_id).exists():
            request.article_restore = {
                "version": version,
                "kept": article_kept_on_restore(object_id),
                "before": article_content(object_id),
            }
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        restore = getattr(request, "article_restore", None)
        if restore is not None and "restored" not in restore:
            restore["restored"] = article_restore_finish(
                article_id=object_id, kept=restore["kept"], before=restore["before"]
            )
        return super().get_object(request, object_id, from_field)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        restore = getattr(request, "article_restore", None)
        if restore is not None and level == messages.SUCCESS:
            message = self.restore_message(restore)
        super().message_user(request, message, level, *args, **kwargs)

    def restore_message(self, restore):
        """What a restore did, in the editor's words."""
        when = formats.date_format(
            timezone.localtime(restore["version"].revision.date_created),
            "d.m.Y, H:i",
        )
        if restore["restored"]:
            message = gettext(
                "Aus der Fassung vom %(when)s Uhr wiederhergestellt: %(fields)s."
            ) % {"when": when, "fields": ", ".join(restore["restored"])}
        else:
            message = gettext(
                "Die Fassung vom %(when)s Uhr hat denselben Inhalt wie der "
                "aktuelle Stand; nichts wiederhergestellt."
            ) % {"when": when}
        changed = restore.get("changed_on_purpose")
        if changed:
            return (
                message
                + " "
                + gettext("Außerdem von Ihnen geändert: %(fields)s.")
                % {"fields": ", ".join(changed)}
            )
        return (
            message
            + " "
            + gettext(
                "Status, Veröffentlichungsdaten und Kurzname in der URL sind "
                "unverändert."
            )
        )

    def save_related(self, request, form, formsets, change):
        # Tags go through the service so that editors' changes are logged too.
        names = form.cleaned_data.pop("tags", None)
        # The byline keeps the order chosen (the through model's position).
        authors = form.cleaned_data.pop("byline", None)
        super().save_related(request, form, formsets, change)
        if authors is not None:
            article_authors_set(article=form.instance, authors=authors)
        if form.cleaned_data.get("new_correction"):
            correction_add(
                article=form.instance,
                text=form.cleaned_data["new_correction"],
                user=request.user,
            )
        if names is not None:
            article_tags_set(
                article=form.instance,
                names=names,
                user=request.user,
                clear_needs_tags=False,
            )

    def response_add(self, request, obj, post_url_continue=None):
        editing_finished(user=request.user, article=obj)
        self.notify_if_submitted(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        editing_finished(user=request.user, article=obj)
        self.notify_if_submitted(request, obj)
        return super().response_change(request, obj)

    def notify_if_submitted(self, request, obj):
        """A save that put the article "In Prüfung" tells the publishers."""
        if getattr(request, "article_submitted", False):
            review_requested_notify(articles=[obj], user=request.user, request=request)
            self.message_user(
                request,
                gettext("Zur Prüfung eingereicht; der Chef vom Dienst ist informiert."),
                messages.INFO,
            )

    def save_model(self, request, obj, form, change):
        request.article_submitted = (
            obj.status == ArticleStatus.REVIEW and "status" in form.changed_data
        )
        restore = getattr(request, "article_restore", None)
        if restore is not None:
            restore["changed_on_purpose"] = [
                str(form.fields[name].label)
                for name in Article.VISIBILITY_FIELDS
                if name in form.changed_data
            ]
        if not obj.author_id:
            obj.author = request.user
        obj.last_editor = request.user
        # A new article has nothing to update yet.
        if change and form.cleaned_data.get("substantive_update"):
            obj.substantively_updated_at = timezone.now()
        form.save_photo(user=request.user)
        super().save_model(request, obj, form, change)
        form.discard_stashed_photo()

    @admin.action(description=_("Zur Prüfung einreichen"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        submitted, skipped = articles_submit_for_review(
            articles=queryset, user=request.user, request=request
        )
        for article in skipped:
            self.message_user(
                request,
                gettext(
                    "„%(title)s“ ist kein Entwurf (%(status)s) und bleibt, wie er ist."
                )
                % {
                    "title": article.title or f"#{article.pk}",
                    "status": article.get_status_display(),
                },
                messages.WARNING,
            )
        if submitted:
            summary = gettext(
                "%(count)s Artikel zur Prüfung eingereicht; der Chef vom Dienst "
                "ist informiert."
            ) % {"count": len(submitted)}
            reversion.set_comment(summary)
            self.message_user(request, summary, messages.SUCCESS)

    @admin.action(description=_("Jetzt veröffentlichen"), permissions=["publish"])
    def publish_now(self, request, queryset):
        outcome = articles_publish(articles=queryset, user=request.user)
        self.report(request, outcome, *PUBLISH_MESSAGES)

    @admin.action(
        description=_("Zurückziehen (wieder Entwurf)"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        outcome = articles_unpublish(articles=queryset, user=request.user)
        self.report(request, outcome, *UNPUBLISH_MESSAGES)

    def report(self, request, outcome, done, refused):
        """Tell the editor what a bulk action did and, per article, what the
        model refused. VersionAdmin's changelist_view already wraps the action
        in one revision with the user; we name it."""
        count, refusals = outcome
        for article, error in refusals:
            reasons = " ".join(
                message
                for field_messages in error.message_dict.values()
                for message in field_messages
            )
            title = article.title or f"#{article.pk}"
            self.message_user(
                request, refused % {"title": title, "errors": reasons}, messages.ERROR
            )
        if count:
            summary = done % {"count": count}
            reversion.set_comment(summary)
            self.message_user(request, summary, messages.SUCCESS)
