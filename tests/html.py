"""Read HTML as a browser builds it: elements with their entity-decoded
attributes, the text a reader sees, and what scripts, titles and forms hold.

One parser for every test that looks into a page, so they all agree on what
a page contains:

    page = parse_html(response.content.decode())
    page.meta["og:title"], page.json_ld, page.links, page.text, page.urls()
"""

import json
from html.parser import HTMLParser

# Elements whose content the tests read, or that hold other elements the
# tests ask about (a form's controls, a select's options).
CONTAINERS = {"form", "select", "datalist", "script", "style", "title", "textarea"}
HIDDEN_TEXT = {"script", "style"}  # content a reader never sees as text


def normalize(text):
    """Text as a reader sees it: runs of whitespace are one space; NUL is
    dropped (browsers drop it, the database cannot store it)."""
    return " ".join(text.replace("\x00", "").split())


class Element:
    """One start tag: `attrs` as written (a name may repeat), `within` the
    containers open around it, `text` its content if it is a container."""

    def __init__(self, tag, attrs, within):
        self.tag, self.attrs, self.within = tag, attrs, within
        self.text = ""

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    def get(self, name, default=None):
        """The first value of attribute `name`, as a browser reads it."""
        for attribute, value in self.attrs:
            if attribute == name:
                return value if value is not None else ""
        return default

    def inside(self, tag):
        """The innermost open `tag` container around this element, or None."""
        return next((e for e in reversed(self.within) if e.tag == tag), None)


class Page(HTMLParser):
    """A parsed document or fragment; see parse_html()."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.declarations = []  # processing instructions, <![…]> sections
        self.unclosed = []  # containers still open at the end
        self._open = []
        self._text = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, tuple(self._open))
        self.elements.append(element)
        if tag in CONTAINERS:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        # Browsers ignore the slash of <script/>: the element stays open.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        if self._open and self._open[-1].tag in HIDDEN_TEXT | {"title", "textarea"}:
            self._open[-1].text += data
        if not any(element.tag in HIDDEN_TEXT for element in self._open):
            self._text.append(data)

    def handle_pi(self, data):
        self.declarations.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.declarations.append(f"<![{data}]>")

    def close(self):
        super().close()
        self.unclosed = [element.tag for element in self._open]
        self.text = normalize(" ".join(self._text))

    def find_all(self, tag, **attrs):
        """Elements named `tag` whose attributes have the given values."""
        return [
            element
            for element in self.elements
            if element.tag == tag
            and all(element.get(name) == value for name, value in attrs.items())
        ]

    @property
    def titles(self):
        return [element.text for element in self.find_all("title")]

    @property
    def alts(self):
        """The alt text of every image, "" where it has none."""
        return [element.get("alt", "") for element in self.find_all("img")]

    @property
    def meta(self):
        """{property or name: [content, …]} of the <meta> tags crawlers read."""
        found = {}
        for element in self.find_all("meta"):
            key = element.get("property") or element.get("name")
            if key:
                found.setdefault(key, []).append(element.get("content"))
        return found

    @property
    def links(self):
        """The attributes of every <link> element, as dicts."""
        return [dict(element.attrs) for element in self.find_all("link")]

    @property
    def scripts(self):
        return self.find_all("script")

    @property
    def json_ld(self):
        """The parsed content of every JSON-LD script block."""
        return [
            json.loads(script.text)
            for script in self.find_all("script", type="application/ld+json")
        ]

    def link(self, rel):
        """The href of the first <a> or <link> with `rel`, or None."""
        for element in self.elements:
            if element.tag in ("a", "link") and element.get("rel") == rel:
                return element.get("href")
        return None

    def urls(self):
        """Every URL the page names in href, src and srcset attributes."""
        found = []
        for element in self.elements:
            for name, value in element.attrs:
                if name in ("href", "src") and value:
                    found.append(value)
                elif name == "srcset" and value:
                    found += [part.split()[0] for part in value.split(",")]
        return found

    def form_fields(self):
        """{name: value} that a browser would submit from the page's forms
        unchanged: text, hidden and checked inputs, selected options and
        textareas (no files, no submit buttons)."""
        fields = {}
        for element in self.elements:
            name, kind = element.get("name"), element.get("type")
            checked = element.get("checked") is not None
            if element.tag == "input" and name and kind not in ("file", "submit"):
                if kind not in ("checkbox", "radio") or checked:
                    fields[name] = element.get("value", "")
            elif element.tag == "textarea" and name:
                fields[name] = element.text.removeprefix("\n")
            elif element.tag == "option" and element.get("selected") is not None:
                select = element.inside("select")
                if select is not None and select.get("name"):
                    fields[select.get("name")] = element.get("value", "")
        return fields


def parse_html(html):
    """The parsed document or fragment `html` (a str)."""
    page = Page()
    page.feed(html)
    page.close()
    return page
