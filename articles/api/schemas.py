"""What the content API returns: German field names, as the site speaks
German; every field a reader could see on the site, nothing else."""

from datetime import datetime

from ninja import Schema


class Fehler(Schema):
    """An error: a German sentence, and for a bad request what was wrong."""

    detail: str
    fehler: list[dict[str, str]] = []


class Bildnachweis(Schema):
    urheber: str
    quelle: str
    lizenz: str
    link: str
    zeile: str  # "Bildquelle: victor69/123rf.com", as under the photo


class Rendition(Schema):
    url: str
    format: str
    breite: int
    hoehe: int


class Foto(Schema):
    url: str
    breite: int | None
    hoehe: int | None
    alternativtext: str
    bildunterschrift: str
    bildnachweis: Bildnachweis | None
    renditionen: list[Rendition]


class KommuneKurz(Schema):
    name: str
    slug: str
    art: str
    bundesland: str
    url: str


class Kommune(KommuneKurz):
    bundesland_name: str
    ags: str
    anzahl_artikel: int


class Thema(Schema):
    name: str
    slug: str
    url: str


class ThemaMitAnzahl(Thema):
    anzahl_artikel: int


class Autor(Schema):
    name: str
    url: str


class ArtikelKurz(Schema):
    id: int
    slug: str
    dachzeile: str
    titel: str
    art: str  # the kind of text: "Meldung", "Anzeige", …
    vorspann: str
    url: str
    api_url: str
    veroeffentlicht_am: datetime
    geaendert_am: datetime
    kommune: KommuneKurz | None
    themen: list[Thema]
    autoren: list[Autor]
    agentur: str
    foto: Foto | None


class Artikel(ArtikelKurz):
    text_html: str


class ArtikelListe(Schema):
    artikel: list[ArtikelKurz]
    weiter: str | None  # the next (older) page, absent on the last one


class KommunenListe(Schema):
    kommunen: list[Kommune]


class ThemenListe(Schema):
    themen: list[ThemaMitAnzahl]
