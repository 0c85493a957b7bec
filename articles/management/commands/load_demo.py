"""Load the demo content: the reference's Essen article and its 15 neighbours."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from articles.models import (
    AccessibilityBarrier,
    AccessibilityStatement,
    Article,
    ArticleAttachment,
    ArticleAuthor,
    ArticleKind,
    ArticleStatus,
    Author,
    ConformanceStatus,
    Correction,
    Dossier,
    DossierEntry,
    FederalState,
    ImageCredit,
    Municipality,
    MunicipalityKind,
    Page,
    Photo,
    ReviewMethod,
    Tag,
)
from articles.text import german_slugify

BERLIN = ZoneInfo("Europe/Berlin")

# name: (kind, federal state, AGS, population)
MUNICIPALITIES = {
    "Essen": (MunicipalityKind.CITY, FederalState.NW, "05113000", 586_000),
    "Panketal": (MunicipalityKind.MUNICIPALITY, FederalState.BB, "", 21_000),
    "Bonn": (MunicipalityKind.CITY, FederalState.NW, "05314000", 336_000),
    "Wiesbaden": (MunicipalityKind.CITY, FederalState.HE, "06414000", 285_000),
    "Hamburg": (MunicipalityKind.STATE, FederalState.HH, "02000000", 1_910_000),
    "Wuppertal": (MunicipalityKind.CITY, FederalState.NW, "05124000", 358_000),
    "Oldenburg": (MunicipalityKind.CITY, FederalState.NI, "", 172_000),
    "Hannover": (MunicipalityKind.CITY, FederalState.NI, "", 548_000),
    "Mönchengladbach": (MunicipalityKind.CITY, FederalState.NW, "05116000", 268_000),
    "Gütersloh": (MunicipalityKind.CITY, FederalState.NW, "", 102_000),
    "Darmstadt": (MunicipalityKind.CITY, FederalState.HE, "06411000", 162_000),
    "Kreis Wunsiedel": (MunicipalityKind.DISTRICT, FederalState.BY, "", 72_000),
    "Nürnberg": (MunicipalityKind.CITY, FederalState.BY, "09564000", 530_000),
}

ESSEN_BODY = """
<p>Seit 2014 spricht die Essener Stadtverwaltung in sozialen Netzwerken mit
ihren Bürgerinnen und Bürgern: Den Anfang machte ein Facebook-Auftritt, im
selben Jahr folgten Konten beim Kurznachrichtendienst Twitter – heute X – und
bei Instagram. Der Gedanke dahinter: Eine Verwaltung sollte dort informieren,
wo sich die Menschen ohnehin auf dem Laufenden halten.</p>
<p>Nun kommt eine weitere Plattform hinzu. Unter dem Namen @essen_ruhr ist die
Stadt ab sofort auf TikTok vertreten und will dort vor allem junge Menschen
ansprechen. Oberbürgermeister Thomas Kufen begründet den Schritt mit dem
Auftrag der Verwaltung, alle Bürgerinnen und Bürger gleichermaßen zu
erreichen; weil gerade die jüngste Zielgruppe TikTok bevorzuge, ergänze die
Stadt ihre Kommunikation um genau diesen Kanal.</p>
<h2>Kurze Videos statt langer Texte</h2>
<p>Geplant ist eine bunte Mischung: kurze Videos mit Wissenswertem und
Unterhaltsamem über Essen, praktische Erklärstücke – etwa dazu, wie man einen
Reisepass beantragt – und Einblicke in die Arbeit der Verwaltung. Dabei will
sich die Stadt auch als moderne Arbeitgeberin zeigen und Nachwuchs- und
Fachkräfte für ihre vielen Berufe gewinnen.</p>
<p>Außerdem sollen Fragen aus der Community beantwortet und Blicke hinter die
Kulissen gewährt werden. Tanzvideos seien eher nicht zu erwarten, heißt es aus
dem Rathaus – auf Humor wolle man aber nicht verzichten.</p>
"""

# The city's TikTok video, embedded (with consent) in the Essen article.
ESSEN_TIKTOK_URL = "https://www.tiktok.com/@essen_ruhr/video/7491234567890123456"
ESSEN_LINK = ("Social Media der Stadt Essen", "https://www.essen.de/")
ESSEN_DOWNLOAD_TITLE = "Leitlinien für die Social-Media-Arbeit der Stadt Essen"


def demo_pdf(text):
    """A small, valid one-page PDF showing `text` (ASCII), written by hand."""
    stream = f"BT /F1 18 Tf 56 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


# (municipality or None, kicker, title, date, tags, lead)
TEASERS = [
    (
        "Panketal",
        "",
        "Digitales Rathaus ist eröffnet",
        "2025-04-09",
        ["Digitales Rathaus", "Onlinedienste"],
        "Die gut 21.000 Menschen in Panketal erledigen erste Behördengänge jetzt "
        "online. Das digitale Rathaus der Gemeinde soll Schritt für Schritt wachsen.",
    ),
    (
        "Bonn",
        "",
        "Website in elf Sprachen",
        "2025-04-03",
        ["Website", "Mehrsprachigkeit"],
        "Eine Übersetzungssoftware bietet den Internetauftritt der Stadt Bonn nun "
        "automatisch in elf Sprachen an; die Sprache wählen Besucher auf der "
        "Startseite.",
    ),
    (
        "Wiesbaden",
        "",
        "Neustart im Web",
        "2025-04-01",
        ["Website", "Barrierefreiheit", "Mehrsprachigkeit"],
        "Modern, barrierefrei und nutzerfreundlich: Wiesbaden hat seine Website "
        "überarbeitet, das Design von Bürgern testen lassen und bietet alle Inhalte "
        "maschinell übersetzt in zwölf Sprachen an.",
    ),
    (
        "Hamburg",
        "",
        "Ehrenamtskarte als App",
        "2025-03-21",
        ["App", "Ehrenamt"],
        "Hamburgs Engagement-Karte gibt es jetzt auch als App: beantragen, digital "
        "speichern und bei Bonuspartnern vorzeigen. So will die Stadt noch mehr "
        "Engagierte erreichen.",
    ),
    (
        "Wuppertal",
        "",
        "Website erklärt Lokalpolitik",
        "2025-03-18",
        ["Website", "Bürgerbeteiligung", "Soziale Medien"],
        "Pünktlich zum Kommunalwahlkampf erklärt eine neue Website der Stadt "
        "Wuppertal in einfachen Worten Lokalpolitik und Wege der Bürgerbeteiligung.",
    ),
    (
        "Oldenburg",
        "",
        "Feedback zur Website gefragt",
        "2025-03-14",
        ["Website", "Bürgerbeteiligung"],
        "Mit einer Online-Umfrage bis Ende März will die Stadt Oldenburg erfahren, "
        "was Nutzerinnen und Nutzer von ihrem Internetangebot erwarten.",
    ),
    (
        "Hannover",
        "",
        "KI für Wohngeldanträge",
        "2025-03-13",
        ["Künstliche Intelligenz", "Onlinedienste"],
        "Gemeinsam mit einem Münchner Start-up setzt Hannover künstliche Intelligenz "
        "bei der Bearbeitung von Wohngeldanträgen ein – als eine der ersten Städte.",
    ),
    (
        "Mönchengladbach",
        "",
        "Infektionsdaten im Open-Data-Portal",
        "2025-03-11",
        ["Open Data"],
        "Das Gesundheitsamt Mönchengladbach stellt aktuelle Infektionsdaten jetzt "
        "offen bereit: frei einsehbar, exportierbar und in andere Angebote einbindbar.",
    ),
    (
        "Gütersloh",
        "",
        "Neues Bürgerportal wird rege genutzt",
        "2025-03-07",
        ["Bürgerportal", "Onlinedienste"],
        "Kurz nach dem Start haben sich schon rund 1.000 Menschen im neuen "
        "Bürgerportal der Stadt Gütersloh registriert.",
    ),
    (
        "Darmstadt",
        "",
        "Digitales Rathaus in Leichter Sprache",
        "2025-02-13",
        ["Digitales Rathaus", "Barrierefreiheit", "Leichte Sprache"],
        "13 der meistgenutzten Onlinedienste im digitalen Rathaus Darmstadts lassen "
        "sich ab sofort auch in Leichter Sprache nutzen.",
    ),
    (
        "Kreis Wunsiedel",
        "",
        "Vorzeigeprojekt FichtelApp",
        "2025-02-12",
        ["App", "Soziale Medien"],
        "Die FichtelApp des Kreises Wunsiedel wird laufend verbessert und findet "
        "Anklang bei Nutzern wie Fachleuten; der Kreisausschuss gibt erneut Geld frei.",
    ),
    (
        "Bonn",
        "",
        "KI-Chatbot ergänzt Webauftritt",
        "2025-02-03",
        ["Künstliche Intelligenz", "Website", "Soziale Medien"],
        "Ein KI-gestützter Chatbot des GovTech-Start-ups neuraflow beantwortet auf "
        "der Website der Bundesstadt Bonn jetzt Fragen zu städtischen "
        "Dienstleistungen.",
    ),
    (
        "Gütersloh",
        "",
        "Bürgerportal auf dem neuesten Stand",
        "2025-01-29",
        ["Bürgerportal", "Barrierefreiheit", "OZG"],
        "Gütersloh ersetzt sein veraltetes Bürgerportal: Das neue ist einfacher zu "
        "bedienen, barrierefrei, sicher und OZG-konform.",
    ),
    (
        None,
        "Nolis",
        "Wahlhelfer finden leicht gemacht",
        "2025-01-24",
        ["Wahlen", "Onlinedienste"],
        "Mit dem NOLIS | Formular-Editor richten Kommunen ohne viel Aufwand eine "
        "Online-Anmeldung für Wahlhelfer auf ihrer Website ein.",
    ),
    (
        "Nürnberg",
        "",
        "Vielsprachiges Kita-Portal",
        "2025-01-21",
        ["Mehrsprachigkeit", "Onlinedienste"],
        "Das Kita-Portal Nürnberg spricht jetzt acht Sprachen: Zu Deutsch und "
        "Englisch kommen sechs weitere, ausgewählt nach den Nationalitäten der Kinder.",
    ),
]


def demo_photo():
    """A 1200×675 JPEG drawn with Pillow: a phone with a play button."""
    image = Image.new("RGB", (1200, 675))
    draw = ImageDraw.Draw(image)
    for y in range(675):
        draw.line([(0, y), (1200, y)], fill=(20, 40 + y // 6, 120 + y // 8))
    draw.rounded_rectangle([480, 90, 720, 585], radius=36, fill=(25, 25, 25))
    draw.rounded_rectangle([496, 120, 704, 540], radius=12, fill=(240, 240, 240))
    draw.polygon([(570, 260), (570, 400), (670, 330)], fill=(238, 29, 82))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="essen-tiktok.jpg")


def demo_portrait():
    """A 600×600 JPEG drawn with Pillow: a head-and-shoulders silhouette."""
    image = Image.new("RGB", (600, 600), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse([200, 110, 400, 330], fill=(0, 79, 159))
    draw.ellipse([110, 360, 490, 760], fill=(0, 79, 159))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="portraet-anna-berger.jpg")


# slug: (name, bio, slugs of their articles); the Essen article has both.
AUTHORS = {
    "anna-berger": (
        "Anna Berger",
        "Anna Berger berichtet seit 2019 über die Digitalisierung von Städten "
        "und Gemeinden, am liebsten über Onlinedienste, die Bürgerinnen und "
        "Bürgern wirklich Wege ersparen.",
        [
            "essen-stadt-startet-tiktok-kanal",
            "panketal-digitales-rathaus-ist-eroeffnet",
            "bonn-website-in-elf-sprachen",
        ],
    ),
    "jonas-weber": (
        "Jonas Weber",
        "Jonas Weber schreibt über soziale Medien in der Verwaltung und über "
        "Barrierefreiheit. Vorher war er Pressesprecher einer Kreisverwaltung.",
        [
            "essen-stadt-startet-tiktok-kanal",
            "wiesbaden-neustart-im-web",
            "hamburg-ehrenamtskarte-als-app",
        ],
    ),
}
AGENCY_ARTICLE = ("kreis-wunsiedel-vorzeigeprojekt-fichtelapp", "dpa")
CORRECTION = (
    "In einer früheren Fassung hieß es, die Stadt sei seit 2012 in sozialen "
    "Medien unterwegs. Richtig ist: seit 2014."
)
UPDATED_AT = datetime(2025, 4, 11, 14, 15, tzinfo=BERLIN)
STATEMENT_INTRO = (
    "<p>Wir möchten, dass alle Menschen diese Website nutzen können. Diese "
    "Erklärung gilt für die Website von Kommune Digital. Sie folgt der "
    "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0).</p>"
)
DEMO_BARRIERS = [
    (
        "Ältere Artikel aus dem Jahr 2024 enthalten Fotos ohne aussagekräftigen "
        "Alternativtext.",
        "Auf Anfrage beschreiben wir Ihnen den Inhalt eines Fotos per E-Mail oder "
        "Telefon.",
    ),
    (
        "Eingebettete PDF-Dokumente von Kommunen sind nicht immer barrierefrei; "
        "sie stammen nicht von uns.",
        "Wir fassen den Inhalt eines solchen Dokuments für Sie als Text zusammen "
        "oder nennen Ihnen die zuständige Stelle der Kommune.",
    ),
]
EASY_LANGUAGE_TEXT = (
    "<p>Hier finden Sie Nachrichten.</p>"
    "<p>Die Nachrichten sind über Städte und Gemeinden.</p>"
    "<p>Und über das Internet in der Verwaltung.</p>"
    "<h2>Was gibt es auf dieser Website?</h2>"
    "<ul><li>Neue Nachrichten stehen auf der Start-Seite.</li>"
    "<li>Sie können nach einer Stadt suchen.</li>"
    "<li>Sie können nach einem Wort suchen.</li>"
    "<li>Alte Nachrichten stehen im Archiv.</li></ul>"
    "<h2>Wie finde ich mich zurecht?</h2>"
    "<p>Oben auf jeder Seite ist ein Menü.</p>"
    "<p>Dort stehen Links.</p>"
    "<p>Ein Link bringt Sie zu einer anderen Seite.</p>"
    "<h2>Sie haben eine Frage?</h2>"
    "<p>Dann schreiben Sie uns eine E-Mail.</p>"
    "<p>Die Adresse ist: barrierefreiheit@example.org</p>"
)
SIGN_LANGUAGE_TEXT = (
    "<p>Auf dieser Seite erklären wir in Deutscher Gebärdensprache (DGS), was "
    "Sie auf dieser Website finden: Nachrichten über die Digitalisierung in "
    "Städten, Gemeinden und Kreisen, die Suche, das Archiv und den Newsletter.</p>"
    "<p>Das Video mit Untertiteln zeigen wir direkt von unserer Website; es "
    "lädt nichts von anderen Anbietern. Solange es in Arbeit ist, erreichen Sie "
    "uns per E-Mail an barrierefreiheit@example.org.</p>"
)


def load_accessibility():
    """The accessibility statement (partly accessible, two barriers with
    their alternatives) and the pages in Leichte Sprache and DGS, once: a
    statement with barriers is the editors' and stays as it is."""
    statement = AccessibilityStatement.objects.order_by("pk").first() or (
        AccessibilityStatement()
    )
    if statement.pk and statement.barriers.exists():
        return
    Page.objects.update_or_create(
        slug="barrierefreiheit",
        defaults={"title": "Erklärung zur Barrierefreiheit", "body": STATEMENT_INTRO},
    )
    Page.objects.update_or_create(
        slug="leichte-sprache",
        defaults={"title": "Leichte Sprache", "body": EASY_LANGUAGE_TEXT},
    )
    Page.objects.update_or_create(
        slug="gebaerdensprache",
        defaults={"title": "Gebärdensprache", "body": SIGN_LANGUAGE_TEXT},
    )
    fields = {
        "status": ConformanceStatus.PARTIAL,
        "created_on": datetime(2025, 3, 3).date(),
        "reviewed_on": datetime(2025, 9, 15).date(),
        "review_method": ReviewMethod.SELF,
        "contact_email": "barrierefreiheit@example.org",
        "contact_phone": "0201 123-4567",
        "contact_address": "Kommune Digital, Redaktion\nBeispielstraße 1\n45127 Essen",
    }
    for name, value in fields.items():
        setattr(statement, name, value)
    statement.save()
    for position, (description, alternative) in enumerate(DEMO_BARRIERS):
        AccessibilityBarrier.objects.update_or_create(
            statement=statement,
            position=position,
            defaults={"description": description, "alternative": alternative},
        )


PRESS_RELEASE_BODY = """
<p>Die Stadt Bonn lädt Bürgerinnen und Bürger ein, den neuen Chatbot auf
<a href="https://www.bonn.de/">bonn.de</a> auszuprobieren und Rückmeldungen zu
geben. Fragen zu Terminen, Gebühren und Zuständigkeiten beantwortet er rund um
die Uhr.</p>
"""

COMMENTARY_BODY = """
<p>Eine Stadtverwaltung auf TikTok? Das klingt zunächst nach Anbiederung. Doch
wer junge Menschen erreichen will, muss dorthin, wo sie sich informieren. Wenig
Tanz, viel Information und Antworten auf echte Fragen: So kann es gelingen.</p>
"""

SPONSORED_BODY = """
<p>Mit dem NOLIS | Formular-Editor richten Kommunen eine Online-Anmeldung für
Wahlhelfer ein, ohne zu programmieren. Mehr dazu auf
<a href="https://www.nolis.de/">nolis.de</a>.</p>
"""

# The demo dossier: Essen's TikTok story picked first, then the topic's news.
DOSSIER_INTRODUCTION = (
    "Immer mehr Städte, Kreise und Gemeinden informieren auf Facebook, "
    "Instagram und TikTok. Wie Rathäuser soziale Medien nutzen, was sie damit "
    "erreichen und wo die Grenzen liegen: unsere Beiträge zum Thema."
)


def load_labels_and_dossier(essen, places, credit):
    """Label the vendor story as an advertisement, add a press release and
    a commentary, and the dossier "Soziale Medien in Rathäusern" with the
    Essen TikTok story picked by hand and the topic's newest news; returns
    the number of articles created."""
    vendor = Article.objects.filter(slug="nolis-wahlhelfer-finden-leicht-gemacht")
    vendor = vendor.first()
    if vendor is not None and vendor.kind != ArticleKind.SPONSORED:
        vendor.kind = ArticleKind.SPONSORED
        vendor.body = SPONSORED_BODY
        vendor.save()  # cleans the body: its links become rel="sponsored"
    created = 0
    extra = [
        (
            "bonn-pressemitteilung-chatbot-beantwortet-fragen-rund-um-die-uhr",
            {
                "municipality": places["Bonn"],
                "kind": ArticleKind.PRESS_RELEASE,
                "title": "Chatbot beantwortet Fragen rund um die Uhr",
                "lead": "Die Bundesstadt Bonn bittet um Rückmeldungen zu ihrem "
                "KI-Chatbot auf bonn.de.",
                "body": PRESS_RELEASE_BODY,
                "published_at": datetime(2025, 2, 4, 11, 0, tzinfo=BERLIN),
            },
            ["Künstliche Intelligenz", "Website"],
        ),
        (
            "kommentar-warum-tiktok-ins-rathaus-gehoert",
            {
                "kicker": "TikTok im Rathaus",
                "kind": ArticleKind.COMMENTARY,
                "title": "Warum TikTok ins Rathaus gehört",
                "lead": "Verwaltungen müssen dort informieren, wo junge Menschen "
                "sind – auch wenn es ungewohnt ist.",
                "body": COMMENTARY_BODY,
                "published_at": datetime(2025, 4, 8, 18, 0, tzinfo=BERLIN),
            },
            ["Soziale Medien", "Bürgerkommunikation"],
        ),
    ]
    for slug, fields, tags in extra:
        article, was_created = Article.objects.get_or_create(
            slug=slug, defaults=fields | {"status": ArticleStatus.PUBLISHED}
        )
        if was_created:
            article.tags.set(tags)
            created += 1

    topic = Tag.objects.filter(name="Soziale Medien").first()
    dossier, was_created = Dossier.objects.get_or_create(
        slug="soziale-medien-in-rathaeusern",
        defaults={
            "title": "Soziale Medien in Rathäusern",
            "introduction": DOSSIER_INTRODUCTION,
            "topic": topic,
            "is_published": True,
        },
    )
    if was_created:
        dossier.photo = Photo.objects.create(
            image=demo_photo(),
            alt_text="Ein Smartphone mit einem roten Abspielknopf auf dem Bildschirm.",
            caption="Rathäuser erreichen junge Menschen mit kurzen Videos.",
            credit=credit,
            focal_x=0.5,
            focal_y=0.45,
        )
        dossier.save()
        picks = [
            essen,
            Article.objects.get(slug="kommentar-warum-tiktok-ins-rathaus-gehoert"),
        ]
        for position, article in enumerate(picks, start=1):
            DossierEntry.objects.get_or_create(
                dossier=dossier, article=article, defaults={"position": position}
            )
    return created


class Command(BaseCommand):
    help = "Loads the demo articles from the reference page; safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        places = {}
        for name, (kind, state, ags, population) in MUNICIPALITIES.items():
            places[name], _created = Municipality.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "federal_state": state,
                    "ags": ags,
                    "population": population,
                },
            )
        credit, _created = ImageCredit.objects.get_or_create(
            creator="victor69",
            source="123rf.com",
            defaults={
                "licence": "123rf Standardlizenz",
                "url": "https://www.123rf.com/",
            },
        )

        created = 0
        essen, was_created = Article.objects.get_or_create(
            slug="essen-stadt-startet-tiktok-kanal",
            defaults={
                "municipality": places["Essen"],
                "title": "Stadt startet TikTok-Kanal",
                "lead": "Seit zehn Jahren ist die Stadt Essen in sozialen Medien "
                "unterwegs – jetzt kommt TikTok als weiterer Kanal hinzu.",
                "body": ESSEN_BODY,
                "status": ArticleStatus.PUBLISHED,
                "published_at": datetime(2025, 4, 10, 9, 30, tzinfo=BERLIN),
            },
        )
        if was_created:
            essen.photo = Photo.objects.create(
                image=demo_photo(),
                alt_text="Ein Smartphone, auf dessen Bildschirm ein roter "
                "Abspielknopf für ein Video zu sehen ist.",
                caption="Kurze Videos sollen vor allem junge Essenerinnen und "
                "Essener erreichen.",
                credit=credit,
                focal_x=0.5,
                focal_y=0.45,  # the play button
            )
            essen.save()
            essen.tags.set(["Soziale Medien", "Bürgerkommunikation", "Website"])
            created += 1

        self.load_links_downloads_and_embeds(essen)

        for place, kicker, title, day, tags, lead in TEASERS:
            municipality = places[place] if place else None
            published_at = datetime.fromisoformat(day).replace(hour=10, tzinfo=BERLIN)
            kicker = kicker or municipality.name
            article, was_created = Article.objects.get_or_create(
                slug=german_slugify(f"{kicker} {title}"),
                defaults={
                    "municipality": municipality,
                    "kicker": kicker,
                    "title": title,
                    "lead": lead,
                    "body": f"<p>{lead}</p>",
                    "status": ArticleStatus.PUBLISHED,
                    "published_at": published_at,
                },
            )
            if was_created:
                article.tags.set(tags)
                created += 1
        self.load_bylines_and_corrections(credit)
        load_accessibility()
        created += load_labels_and_dossier(essen, places, credit)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {created} articles created, "
                f"{Article.objects.count()} in total."
            )
        )

    def load_bylines_and_corrections(self, credit):
        """Two authors with bios on several articles, one agency article,
        and the Essen article with a substantive update and a correction."""
        articles = {article.slug: article for article in Article.objects.all()}
        for slug, (name, bio, article_slugs) in AUTHORS.items():
            author, _created = Author.objects.update_or_create(
                slug=slug, defaults={"name": name, "bio": bio}
            )
            if slug == "anna-berger" and author.photo_id is None:
                author.photo = Photo.objects.create(
                    image=demo_portrait(),
                    alt_text="Gezeichnete Silhouette als Platzhalter für ein "
                    "Porträt von Anna Berger.",
                    credit=credit,
                )
                author.save()
            for article_slug in article_slugs:
                article = articles.get(article_slug)
                if article is None:
                    continue
                ArticleAuthor.objects.get_or_create(
                    article=article,
                    author=author,
                    defaults={"position": article.bylines.count()},
                )
        slug, agency = AGENCY_ARTICLE
        article = articles.get(slug)
        if article is not None and article.agency != agency:
            article.agency = agency
            article.save()
        essen = articles.get("essen-stadt-startet-tiktok-kanal")
        if essen is not None:
            if essen.substantively_updated_at is None:
                essen.substantively_updated_at = UPDATED_AT
                essen.save()
            Correction.objects.get_or_create(
                article=essen, text=CORRECTION, defaults={"created_at": UPDATED_AT}
            )

    def load_links_downloads_and_embeds(self, essen):
        """The Essen article embeds the city's TikTok video (a consent
        placeholder on the page) and offers a link and a PDF download."""
        if ESSEN_TIKTOK_URL not in essen.body:
            essen.body = essen.body.replace(
                "<h2>", f"<p>{ESSEN_TIKTOK_URL}</p>\n<h2>", 1
            )
            essen.save()
        title, url = ESSEN_LINK
        ArticleAttachment.objects.get_or_create(
            article=essen, title=title, defaults={"url": url, "position": 2}
        )
        if not ArticleAttachment.objects.filter(
            article=essen, title=ESSEN_DOWNLOAD_TITLE
        ).exists():
            download = ArticleAttachment(
                article=essen,
                title=ESSEN_DOWNLOAD_TITLE,
                file=ContentFile(
                    demo_pdf("Leitlinien Social Media - Stadt Essen (Demo)"),
                    name="leitlinien.pdf",
                ),
                position=1,
            )
            download.full_clean()
            download.save()
