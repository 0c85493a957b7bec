// The photo admin's focal point: a click on the photo sets "Fokuspunkt
// waagerecht/senkrecht" (fractions of width and height) and moves the mark.
// Without JavaScript the two number fields still work.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-focal-point]")) {
    const image = picker.querySelector("img");
    const mark = picker.querySelector(".focal-point-mark");
    const inputX = document.getElementById("id_focal_x");
    const inputY = document.getElementById("id_focal_y");
    if (!image || !inputX || !inputY) continue;
    const place = () => {
      mark.style.left = `${Number(inputX.value) * 100}%`;
      mark.style.top = `${Number(inputY.value) * 100}%`;
      mark.hidden = false;
    };
    image.addEventListener("click", (event) => {
      const box = image.getBoundingClientRect();
      const fraction = (value) => Math.min(1, Math.max(0, value)).toFixed(3);
      inputX.value = fraction((event.clientX - box.left) / box.width);
      inputY.value = fraction((event.clientY - box.top) / box.height);
      place();
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);
    place();
  }
});
