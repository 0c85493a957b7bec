"""Related rows fetched inside their parent's query, as JSON.

The article page shows the article's tags, byline, correction notes, links
and downloads and dossiers. Prefetching them costs one query each; as JSON
subqueries of the article's query they cost none (issue 14: at most four
queries a page). rows_as_json() builds such a subquery, from_json() turns
its rows back into model instances, in the model's ordering."""

from datetime import UTC

from django.db.models import DEFERRED, DateTimeField, F, Func, JSONField, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class JSONList(Func):
    """The values of an expression over all rows as one JSON array. A Func,
    not an Aggregate, so that Django adds no GROUP BY to the subquery (as in
    Django's docs, "Using aggregates within a Subquery expression")."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="JSON_GROUP_ARRAY", **extra_context
        )


def rows_as_json(queryset, *names):
    """A subquery: the rows of `queryset` (filtered by an OuterRef) as a JSON
    list of objects with the fields `names`; "author__name" reads a field
    of a related row. NULL when there are none (PostgreSQL)."""
    rows = JSONList(JSONObject(**{name: F(name) for name in names}))
    return Subquery(
        queryset.order_by().annotate(rows=rows).values("rows"),
        output_field=JSONField(),
    )


def from_json(model, rows, *, using, order=None):
    """Model instances from the rows of rows_as_json(), sorted by the
    ascending fields `order` (default: the model's Meta.ordering). Related
    rows ("author__name") become the cached related instance. Text sorts by
    code point, as under the C collation."""
    objects = [_instance(model, row, using) for row in rows or []]
    names = order or model._meta.ordering
    return sorted(objects, key=lambda obj: [getattr(obj, name) for name in names])


def _instance(model, row, using):
    related = {}
    for key, value in row.items():
        relation, _, name = key.partition("__")
        if name:
            related.setdefault(relation, {})[name] = value
    values = [
        _python_value(field, row[field.attname]) if field.attname in row else DEFERRED
        for field in model._meta.concrete_fields
    ]
    instance = model.from_db(using, list(row), values)
    for relation, fields in related.items():
        related_model = model._meta.get_field(relation).related_model
        setattr(instance, relation, _instance(related_model, fields, using))
    return instance


def _python_value(field, value):
    if value is None:
        return None
    if isinstance(field, DateTimeField):
        # PostgreSQL writes ISO 8601 with the offset, SQLite its UTC text.
        moment = parse_datetime(value)
        return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    return field.to_python(value)
