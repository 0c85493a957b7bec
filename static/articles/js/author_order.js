"use strict";
// The article form's authors: the byline shows them in the order of the
// chosen options in the <select>. Select2 leaves an option where it was when
// it is chosen again, so each newly chosen author moves to the end.
window.addEventListener("load", function () {
  const $ = window.django && window.django.jQuery;
  if (!$) {
    return;
  }
  $(document).on("select2:select", "select[name=byline]", function (event) {
    const option = event.params && event.params.data && event.params.data.element;
    if (option) {
      $(option).detach();
      $(this).append(option).trigger("change");
    }
  });
});
