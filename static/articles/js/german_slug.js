"use strict";
// The admin pre-fills the URL name from the title with Django's URLify,
// which turns "Bürgerämter öffnen" into "burgeramter-offnen". This replaces
// it with the server's rule (articles.text.german_slugify, then cut to the
// field's length), so that a pre-filled slug is the one a save would make:
// ä→ae, ö→oe, ü→ue, ß→ss, then Django's slugify(). tests/test_article_urls.py
// checks that both agree.
{
    const GERMAN = {
        "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
        "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"
    };

    function germanSlugify(text, maxLength) {
        const slug = text
            .replace(/[äöüßÄÖÜ]/g, (letter) => GERMAN[letter])
            // slugify(): NFKD, then ASCII only
            .normalize("NFKD")
            .replace(/[^\x00-\x7f]/g, "")
            .toLowerCase()
            // Python's \s also matches the separators \x1c-\x1f.
            .replace(/[^\w\s\x1c-\x1f-]/g, "")
            .replace(/[-\s\x1c-\x1f]+/g, "-")
            .replace(/^[-_]+|[-_]+$/g, "");
        return maxLength ? slug.substring(0, maxLength) : slug;
    }

    window.germanSlugify = germanSlugify;
    window.URLify = (text, maxLength) => germanSlugify(text, maxLength);
}
