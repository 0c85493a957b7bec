"""A browser's way of talking to a running server over HTTP: cookies, and
forms submitted with the values the page rendered (CSRF token included).
Used by tests/test_scale_out.py and bench/load.py."""

import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar


class FormFields(HTMLParser):
    """The values a browser would submit from the page's forms."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class Browser:
    """Keeps cookies like a browser, and submits forms with their CSRF token."""

    def __init__(self, timeout=10):
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def get(self, url):
        with self.opener.open(url, timeout=self.timeout) as response:
            return response.read().decode()

    def submit(self, url, changes):
        fields = FormFields()
        fields.feed(self.get(url))
        data = urllib.parse.urlencode({**fields.fields, **changes}).encode()
        request = urllib.request.Request(url, data, headers={"Referer": url})
        with self.opener.open(request, timeout=self.timeout) as response:
            return response.geturl(), response.read().decode()
