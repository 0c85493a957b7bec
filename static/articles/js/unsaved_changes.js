"use strict";
// Warns before leaving the article form with unsaved edits (closing the
// tab, following a link, going back). Saving the form is not leaving.
{
    let dirty = false;
    document.addEventListener("DOMContentLoaded", () => {
        const form = document.getElementById("article_form");
        if (!form) {
            return;
        }
        // Typing in the body editor (contenteditable) sends input events too.
        form.addEventListener("input", () => { dirty = true; });
        form.addEventListener("change", () => { dirty = true; });
        form.addEventListener("submit", () => { dirty = false; });
    });
    window.addEventListener("beforeunload", (event) => {
        if (dirty) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
}
