"use strict";
// Every AUTOSAVE_SECONDS the article form reports to the server: its input
// when it changed since the last report (the automatic save: a crashed
// browser loses at most that much typing), else only that it is still
// open (the "someone is editing" notice others see).
{
    const AUTOSAVE_SECONDS = 20;
    let changed = false;

    function report(form, status) {
        const body = new FormData(form);
        body.delete("image");  // files are not saved automatically
        body.set("article", status.dataset.article);
        if (!changed) {
            body.set("heartbeat", "1");
        }
        const typed = changed;
        changed = false;
        return fetch(status.dataset.url, {
            method: "POST", body: body, credentials: "same-origin"
        }).then((response) => {
            if (response.ok && typed) {
                const time = new Date().toLocaleTimeString("de-DE", {
                    hour: "2-digit", minute: "2-digit"
                });
                status.textContent = `Automatisch gesichert um ${time} Uhr.`;
            } else if (!response.ok) {
                changed = changed || typed;
            }
        }, () => { changed = changed || typed; });
    }

    document.addEventListener("DOMContentLoaded", () => {
        const form = document.getElementById("article_form");
        const status = document.getElementById("autosave-status");
        if (!form || !status) {
            return;
        }
        form.addEventListener("input", () => { changed = true; });
        form.addEventListener("change", () => { changed = true; });
        window.setInterval(() => report(form, status), AUTOSAVE_SECONDS * 1000);
        // For tests and for saving at once: window.articleAutosave().
        window.articleAutosave = () => report(form, status);
    });
}
