"use strict";
// The body editor (django-prose-editor) in German and accessible: German
// toolbar and menu labels, spell checking in German, an accessible name
// from the field's label. Dialog texts come from the JavaScript catalog
// (articles/admin/site.py adds django-prose-editor's translations).
{
    const GERMAN = {
        "paragraph": "Absatz",
        "Paragraph": "Absatz",
        "Heading 2": "Zwischenüberschrift",
        "Heading 3": "Unterüberschrift",
        "unordered list": "Aufzählung",
        "ordered list": "Nummerierte Liste",
        "List properties": "Listeneigenschaften",
        "blockquote": "Zitat",
        "bold": "Fett",
        "italic": "Kursiv",
        "insert link": "Link einfügen",
        "remove link": "Link entfernen",
        "undo": "Rückgängig",
        "redo": "Wiederholen",
        "URL": "Adresse (URL)",
        "Title": "Titel",
        "Cancel": "Abbrechen",
        "Update": "Übernehmen",
        "Insert": "Einfügen",
        "Edit Link": "Link bearbeiten",
        "Open in new window": "In neuem Fenster öffnen"
    };

    function germanize(root) {
        root.querySelectorAll("[title], [aria-label]").forEach((element) => {
            for (const name of ["title", "aria-label"]) {
                const text = element.getAttribute(name);
                if (text && GERMAN[text]) {
                    element.setAttribute(name, GERMAN[text]);
                }
            }
        });
        root.querySelectorAll(
            ".prose-menubar__option h2, .prose-menubar__option h3, " +
            ".prose-menubar__option p, dialog label, dialog button, dialog h2, " +
            "dialog legend"
        ).forEach((element) => {
            if (element.children.length === 0 && GERMAN[element.textContent.trim()]) {
                element.textContent = GERMAN[element.textContent.trim()];
            }
        });
    }

    function describe(editor) {
        const area = editor.querySelector("[contenteditable]");
        const textarea = editor.querySelector("textarea");
        if (!area || area.dataset.germanized) {
            return;
        }
        area.dataset.germanized = "1";
        const label = textarea && document.querySelector(`label[for="${textarea.id}"]`);
        area.setAttribute("lang", "de");
        area.setAttribute("spellcheck", "true");
        area.setAttribute("aria-multiline", "true");
        area.setAttribute(
            "aria-label", label ? label.textContent.replace(/:\s*$/, "") : "Text"
        );
    }

    // Django's autocomplete fields (select2) show a combobox that names
    // only the chosen value: give it the field's label as its name.
    function nameComboboxes() {
        document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
            const label = document.querySelector(`label[for="${select.id}"]`);
            const container = select.nextElementSibling;
            const box = container && container.querySelector("[role=combobox]");
            if (!label || !box) {
                return;
            }
            label.id = label.id || `${select.id}-label`;
            container.querySelectorAll("[role=textbox]").forEach((shown) => {
                if (shown.getAttribute("aria-labelledby") !== label.id) {
                    shown.setAttribute("aria-labelledby", label.id);
                }
            });
            const names = (box.getAttribute("aria-labelledby") || "").split(" ");
            if (!names.includes(label.id)) {
                box.setAttribute(
                    "aria-labelledby", [label.id, ...names].join(" ").trim()
                );
            }
        });
    }

    function update() {
        nameComboboxes();
        document.querySelectorAll(".prose-editor").forEach((editor) => {
            describe(editor);
            germanize(editor);
        });
        document.querySelectorAll("dialog").forEach(germanize);
    }

    document.addEventListener("DOMContentLoaded", () => {
        update();
        new MutationObserver(update).observe(document.body, {
            childList: true, subtree: true, attributes: true,
            attributeFilter: ["title", "aria-label", "aria-labelledby", "spellcheck"]
        });
    });
}
