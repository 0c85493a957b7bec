"""Keyset pagination for the date-ordered reader lists.

A page is the 20 articles just older (?nach=<pk>) or just newer (?vor=<pk>)
than a boundary article, in the order (-published_at, -pk). The boundary is
found by a subquery in the same SQL statement, so every page of a list costs
the same queries at any depth: the database walks its (…, published_at)
index from the boundary instead of skipping rows as OFFSET does, and no page
ever counts the list.
"""

import re

from django.db.models import Q, Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext as _

OLDER, NEWER = "nach", "vor"
KEY = re.compile(r"[1-9][0-9]{0,17}")  # a pk; 18 digits stay within bigint


def boundary(queryset, key):
    """A subquery for the publication time of article `key` in `queryset`
    (NULL, so no rows around it, when it is not in the list)."""
    return Subquery(queryset.filter(pk=key).order_by().values("published_at")[:1])


def older_than(queryset, key):
    """The rows of `queryset` (ordered -published_at, -pk) after article
    `key`, in one statement at any depth; none when `key` is not in it."""
    at = boundary(queryset, key)
    # (published_at, pk) < boundary, written so that the index range on
    # published_at <= boundary serves it.
    return queryset.filter(published_at__lte=at).filter(
        Q(published_at__lt=at) | Q(pk__lt=key)
    )


class KeysetPage:
    """What the pagination include needs: the articles, newest first, and
    the keys of the pages around them."""

    def __init__(self, object_list, has_previous, has_next):
        self.object_list = object_list
        self.has_previous = has_previous
        self.has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def previous_key(self):
        return self.object_list[0].pk

    def next_key(self):
        return self.object_list[-1].pk


class KeysetPaginationMixin:
    """For ListViews of published articles ordered (-published_at, -pk).

    A key that is malformed or not an article of this list, and a page
    without articles beyond the first, are 404. Old ?page=N links redirect
    permanently to the first page."""

    paginate_by = 20

    def get(self, request, *args, **kwargs):
        if "page" in request.GET:
            query = request.GET.copy()
            del query["page"]
            url = f"{request.path}?{query.urlencode()}" if query else request.path
            return HttpResponsePermanentRedirect(url)
        # Unlike ListView.get, no exists() query for allow_empty = False:
        # paginate_queryset() sees the empty page.
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def paginate_queryset(self, queryset, page_size):
        direction, key = self.page_key()
        if direction is None:
            rows = list(queryset[: page_size + 1])
            page = KeysetPage(rows[:page_size], False, len(rows) > page_size)
        else:
            if direction == OLDER:
                rows = older_than(queryset, key)
            else:
                at = boundary(queryset, key)
                rows = (
                    queryset.filter(published_at__gte=at)
                    .filter(Q(published_at__gt=at) | Q(pk__gt=key))
                    .reverse()
                )
            rows = list(rows[: page_size + 1])
            more = len(rows) > page_size
            rows = rows[:page_size]
            if direction == OLDER:
                page = KeysetPage(rows, True, more)
            else:
                page = KeysetPage(rows[::-1], more, True)
        if not page.object_list and (direction or not self.get_allow_empty()):
            raise Http404(_("Diese Seite gibt es nicht (mehr)."))
        return None, page, page.object_list, page.has_other_pages()

    def page_key(self):
        """(OLDER or NEWER, pk) from the query string, (None, None) on the
        first page; 404 for anything else."""
        given = [name for name in (OLDER, NEWER) if name in self.request.GET]
        if not given:
            return None, None
        value = self.request.GET[given[0]]
        if len(given) > 1 or not KEY.fullmatch(value):
            raise Http404(_("Diese Seite gibt es nicht (mehr)."))
        return given[0], int(value)
