"use strict";
// The article form's authors: the byline shows them in the order of the
// chosen options in the <select>. Select2 leaves an option where it was when
// it is chosen again, so each newly chosen author moves to the end (once
// Select2 has marked it chosen).
window.addEventListener("load", function () {
  const $ = window.django && window.django.jQuery;
  if (!$) {
    return;
  }
  // Select2 draws the byline's search box without a label, and draws it
  // anew after every choice: name it whenever it appears.
  const translate = window.gettext || ((text) => text);
  const field = document.querySelector(".field-byline");
  function nameSearchBox() {
    field.querySelectorAll(".select2-search__field:not([aria-label])").forEach((box) => {
      box.setAttribute("aria-label", translate("Autorin oder Autor suchen"));
    });
  }
  if (field) {
    nameSearchBox();
    new MutationObserver(nameSearchBox).observe(field, { childList: true, subtree: true });
  }
  $(document).on("select2:select", "select[name=byline]", function (event) {
    const select = this;
    const id = String(event.params.data.id);
    window.setTimeout(function () {
      const option = Array.from(select.options).find((item) => item.value === id);
      if (option && option !== select.options[select.options.length - 1]) {
        select.appendChild(option); // stays selected
        $(select).trigger("change");
      }
    }, 0);
  });
});
