// Embedded posts with consent (articles/embeds.py renders the placeholders).
// Nothing is loaded from a provider until the reader presses "Inhalt von …
// laden", or has ticked "Inhalte von … immer laden" on this device before
// (kept in localStorage, per provider, never sent to us or anyone).
(function () {
  "use strict";

  var KEY_PREFIX = "newsroom.embeds.always.";
  // The players the CSP's frame-src allows; anything else is not loaded.
  var PLAYER = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/|www\.tiktok\.com\/embed\/v2\/|www\.instagram\.com\/(p|reel|tv)\/|[a-z0-9.-]+\/@[A-Za-z0-9_]+\/[0-9]+\/embed$)/;

  function remembered(provider) {
    try {
      return window.localStorage.getItem(KEY_PREFIX + provider) === "1";
    } catch (error) {
      return false; // storage blocked: ask every time
    }
  }

  function remember(provider, always) {
    try {
      if (always) {
        window.localStorage.setItem(KEY_PREFIX + provider, "1");
      } else {
        window.localStorage.removeItem(KEY_PREFIX + provider);
      }
    } catch (error) {
      // storage blocked: the choice holds for this page only
    }
  }

  function load(placeholder, moveFocus) {
    var src = placeholder.getAttribute("data-embed-src");
    if (!PLAYER.test(src)) {
      return;
    }
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = placeholder.getAttribute("data-embed-title");
    frame.className = "embed-frame";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("allowfullscreen", "");
    var controls = placeholder.querySelector(".embed-controls");
    var note = placeholder.querySelector(".embed-note");
    placeholder.insertBefore(frame, controls);
    controls.remove();
    note.remove();
    placeholder.classList.add("embed-loaded");
    if (moveFocus) {
      frame.focus(); // the button is gone: keep the reader where it was
    }
  }

  document.querySelectorAll(".embed[data-embed-src]").forEach(function (placeholder) {
    var provider = placeholder.getAttribute("data-embed-provider");
    if (remembered(provider)) {
      load(placeholder, false);
      return;
    }
    var controls = placeholder.querySelector(".embed-controls");
    var button = placeholder.querySelector(".embed-load");
    var always = placeholder.querySelector(".embed-remember input");
    controls.hidden = false;
    button.addEventListener("click", function () {
      remember(provider, always.checked);
      if (always.checked) {
        document.querySelectorAll(".embed[data-embed-src]").forEach(function (other) {
          if (other !== placeholder && other.getAttribute("data-embed-provider") === provider && other.querySelector(".embed-controls")) {
            load(other, false);
          }
        });
      }
      load(placeholder, true);
    });
  });
})();
