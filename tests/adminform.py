"""Turn the admin form a response rendered back into POST data, the way a
browser would submit it unchanged."""

from django.forms import MultiWidget


def admin_form_data(response):
    form = response.context["adminform"].form
    data = {}
    for bound_field in form:
        widget = bound_field.field.widget
        value = bound_field.value()
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, (subwidget, part) in enumerate(
                zip(widget.widgets, parts, strict=True)
            ):
                data[f"{bound_field.html_name}_{index}"] = (
                    subwidget.format_value(part) or ""
                )
        elif value is not None and bound_field.name != "image":
            data[bound_field.html_name] = widget.format_value(value) or ""
    return data
