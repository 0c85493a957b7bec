"use strict";
// Saving an admin change form with a chosen photo shows how far the upload
// is ("Foto wird hochgeladen: 42 %"): the form goes out by XMLHttpRequest,
// whose upload reports its progress. Then the answer is followed as after a
// normal submit:
// - saved: the server names the next page (UPLOAD_LOCATION) and the
//   browser goes there, where the "saved" message waits;
// - refused for its errors (UPLOAD_REFUSED): the browser submits the form
//   once more, natively, and shows that answer as it would have. If the
//   server kept the photo (the article form keeps a valid photo of a
//   refused save, KEPT_PHOTO_FIELD), that submit carries the kept photo's
//   name instead of the file, so nothing is uploaded twice. Writing the
//   form's answer into this page instead (document.write) would run its
//   scripts in this page's realm: the body editor's import map carries
//   the answer's CSP nonce and is blocked, and module scripts do not run
//   twice, so the body would lose its editor;
// - anything else (an error page, the popup's answer after a save, the
//   login page) replaces this page as it is: submitting again could save
//   twice.
// Without JavaScript, or without a chosen file, the form submits as usual.
{
    // Sent with the upload; the server answers a save's redirect with 204
    // and the target in UPLOAD_LOCATION (articles/admin/base.py): XHR would
    // follow a redirect itself and use up the "saved" message.
    const UPLOAD_HEADER = "X-Upload-Progress";
    const UPLOAD_LOCATION = "X-Upload-Location";
    const UPLOAD_REFUSED = "X-Upload-Refused";
    // ArticleAdminForm.keep_chosen_photo(): the signed name of the photo a
    // refused save kept in the media storage.
    const KEPT_PHOTO_FIELD = "stashed_image";
    // German texts through the admin's JavaScript catalog (/admin/jsi18n/).
    const _ = (text) => (window.gettext ? window.gettext(text) : text);
    const uploading = (percent) => _("Foto wird hochgeladen: %(percent)s %")
        .replace("%(percent)s", percent);

    function chosenFiles(form) {
        return Array.from(form.querySelectorAll("input[type=file]")).filter(
            (input) => !input.disabled && input.files.length > 0
        );
    }

    function progressBox(form) {
        let box = form.querySelector(".upload-progress");
        if (box) {
            return box;
        }
        box = document.createElement("div");
        box.className = "upload-progress form-row";
        box.innerHTML = (
            '<label for="upload-progress-bar"></label> ' +
            '<progress id="upload-progress-bar" max="100" value="0"></progress>' +
            '<p class="visually-hidden" role="status" aria-live="polite"></p>'
        );
        const rows = form.querySelectorAll(".submit-row");
        const last = rows[rows.length - 1];
        if (last) {
            last.parentNode.insertBefore(box, last);
        } else {
            form.append(box);
        }
        return box;
    }

    function show(box, percent, text) {
        const bar = box.querySelector("progress");
        const status = box.querySelector("[role=status]");
        if (percent === null) {
            bar.removeAttribute("value");  // indeterminate: the server works
            bar.textContent = "";
        } else {
            bar.value = percent;
            bar.textContent = `${percent} %`;
        }
        box.querySelector("label").textContent = text;
        // Screen readers hear each new tenth, not every percent.
        const tenth = percent === null ? "done" : String(Math.floor(percent / 10));
        if (box.dataset.announced !== tenth) {
            box.dataset.announced = tenth;
            status.textContent = text;
        }
    }

    function keptPhoto(html) {
        const answer = new DOMParser().parseFromString(html, "text/html");
        const field = answer.querySelector(`input[name="${KEPT_PHOTO_FIELD}"]`);
        return field ? field.value : "";
    }

    function send(form, submitter, resubmit) {
        const body = new FormData(form, submitter);
        const buttons = Array.from(form.querySelectorAll("[type=submit]"));
        const box = progressBox(form);
        let shown = -1;
        const enable = (enabled) => buttons.forEach((button) => {
            button.disabled = !enabled;
        });
        show(box, 0, uploading(0));
        enable(false);  // after FormData: a disabled submitter is not sent
        const request = new XMLHttpRequest();
        request.open("POST", form.action || window.location.href);
        request.setRequestHeader(UPLOAD_HEADER, "1");
        request.upload.addEventListener("progress", (event) => {
            if (!event.lengthComputable) {
                return;
            }
            const percent = Math.floor(event.loaded / event.total * 100);
            if (percent !== shown) {
                shown = percent;
                show(box, percent, uploading(percent));
            }
        });
        request.upload.addEventListener("load", () => {
            show(box, null, _("Foto hochgeladen, wird gespeichert …"));
        });
        request.addEventListener("load", () => {
            const target = request.getResponseHeader(UPLOAD_LOCATION);
            if (request.status === 204 && target) {
                window.location.assign(target);
                return;
            }
            if (!request.getResponseHeader(UPLOAD_REFUSED)) {
                document.open();
                document.write(request.responseText);
                document.close();
                return;
            }
            const kept = keptPhoto(request.responseText);
            const field = form.elements.namedItem(KEPT_PHOTO_FIELD);
            if (kept && field) {
                field.value = kept;
                chosenFiles(form).forEach((input) => { input.value = ""; });
            }
            enable(true);  // a disabled submitter would not be sent
            resubmit(submitter);
        });
        request.addEventListener("error", () => {
            enable(true);
            show(box, 0, _(
                "Das Foto konnte nicht hochgeladen werden (keine Verbindung " +
                "zum Server). Ihre Eingaben stehen noch im Formular; bitte " +
                "erneut sichern."
            ));
            // Still unsaved: leaving asks again, and the automatic save
            // keeps the input (static/articles/js/).
            form.dispatchEvent(new Event("change"));
        });
        request.send(body);
    }

    document.addEventListener("DOMContentLoaded", () => {
        const form = document.querySelector(
            "#content-main form[enctype='multipart/form-data']"
        );
        if (!form || !window.FormData || !window.DOMParser) {
            return;
        }
        let native = false;
        const resubmit = (submitter) => {
            native = true;
            form.requestSubmit(submitter || undefined);
        };
        form.addEventListener("submit", (event) => {
            if (native || event.defaultPrevented || chosenFiles(form).length === 0) {
                return;
            }
            event.preventDefault();
            send(form, event.submitter, resubmit);
        });
    });
}
