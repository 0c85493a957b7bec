/*
 * Nachrichten-Widget: the latest news about a municipality or a topic, from
 * the site's content API, on any other website. Embed with
 *
 *   <div data-nachrichten data-kommune="essen"></div>
 *   <script src="https://news.example.de/static/widget/nachrichten.js" async></script>
 *
 * Optional attributes: data-thema="open-data" (instead of or with
 * data-kommune), data-anzahl="5" (1 to 20), data-titel="…" (the heading),
 * data-ebene="2" (heading level 2 to 6), data-fotos="ja" (a thumbnail with
 * its credit line per article).
 *
 * No cookies (fetch without credentials), nothing from a third party, no
 * global names: the script only reads the API of the server it came from.
 * Its few styles are scoped to .nachrichten-widget and inherit the host
 * page's font and colours.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : "";
  var STYLE_ID = "nachrichten-widget-stil";
  var STYLES =
    ".nachrichten-widget{font:inherit;color:inherit;max-width:40rem}" +
    ".nachrichten-widget ul{list-style:none;margin:0;padding:0}" +
    ".nachrichten-widget li{margin:0 0 .9em;padding:0 0 .9em;border-bottom:1px solid rgba(127,127,127,.35);overflow:hidden}" +
    ".nachrichten-widget li:last-child{border-bottom:0}" +
    ".nachrichten-widget a{color:inherit;text-decoration:underline}" +
    ".nachrichten-widget .nw-datum{display:block;font-size:.875em}" +
    ".nachrichten-widget .nw-dachzeile{display:block;font-size:.875em;font-weight:bold}" +
    ".nachrichten-widget figure{margin:.4em 0 0;max-width:12rem}" +
    ".nachrichten-widget img{display:block;max-width:100%;height:auto}" +
    ".nachrichten-widget figcaption{font-size:.75em}";
  var day = new Intl.DateTimeFormat("de-DE", {
    timeZone: "Europe/Berlin",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  });
  var counter = 0;

  function element(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStyles() {
    if (document.getElementById(STYLE_ID)) return;
    var style = element("style", { id: STYLE_ID }, STYLES);
    (document.head || document.documentElement).appendChild(style);
  }

  function headingLevel(box) {
    var level = parseInt(box.getAttribute("data-ebene") || "2", 10);
    return level >= 2 && level <= 6 ? level : 2;
  }

  function photo(item) {
    var foto = item.foto;
    var jpeg = foto.renditionen.filter(function (r) {
      return r.format === "jpeg";
    })[0];
    var figure = element("figure");
    figure.appendChild(
      element("img", {
        src: jpeg ? jpeg.url : foto.url,
        alt: foto.alternativtext,
        width: jpeg ? jpeg.breite : foto.breite,
        height: jpeg ? jpeg.hoehe : foto.hoehe,
        loading: "lazy",
      })
    );
    if (foto.bildnachweis) {
      figure.appendChild(element("figcaption", {}, foto.bildnachweis.zeile));
    }
    return figure;
  }

  function render(box, data, withPhotos) {
    var id = "nachrichten-widget-" + ++counter;
    var items = data.artikel;
    var title = box.getAttribute("data-titel");
    if (!title) {
      var place = items.length && items[0].kommune;
      title =
        box.getAttribute("data-kommune") && place
          ? "Nachrichten aus " + place.name
          : "Aktuelle Nachrichten";
    }
    var section = element("section", {
      class: "nachrichten-widget",
      "aria-labelledby": id,
    });
    section.appendChild(element("h" + headingLevel(box), { id: id }, title));
    if (!items.length) {
      section.appendChild(element("p", {}, "Zurzeit gibt es hier keine Meldungen."));
    }
    var list = element("ul");
    items.forEach(function (item) {
      var entry = element("li");
      var published = new Date(item.veroeffentlicht_am);
      entry.appendChild(
        element(
          "time",
          { class: "nw-datum", datetime: item.veroeffentlicht_am },
          day.format(published)
        )
      );
      if (item.dachzeile) {
        entry.appendChild(element("span", { class: "nw-dachzeile" }, item.dachzeile));
      }
      entry.appendChild(element("a", { href: item.url }, item.titel));
      if (withPhotos && item.foto) entry.appendChild(photo(item));
      list.appendChild(entry);
    });
    if (items.length) section.appendChild(list);
    box.replaceChildren(section);
  }

  function failed(box) {
    var paragraph = element("p", { class: "nachrichten-widget" });
    paragraph.appendChild(
      document.createTextNode("Die Nachrichten konnten nicht geladen werden. ")
    );
    paragraph.appendChild(element("a", { href: origin + "/" }, "Zu den Nachrichten"));
    box.replaceChildren(paragraph);
  }

  function load(box) {
    var query = new URLSearchParams();
    var place = box.getAttribute("data-kommune");
    var topic = box.getAttribute("data-thema");
    var count = parseInt(box.getAttribute("data-anzahl") || "5", 10);
    if (place) query.set("gemeinde", place);
    if (topic) query.set("thema", topic);
    query.set("anzahl", String(count >= 1 && count <= 20 ? count : 5));
    var withPhotos = box.getAttribute("data-fotos") === "ja";
    box.setAttribute("aria-busy", "true");
    fetch(origin + "/api/v1/artikel/?" + query.toString(), {
      credentials: "omit",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        render(box, data, withPhotos);
      })
      .catch(function () {
        failed(box);
      })
      .then(function () {
        box.removeAttribute("aria-busy");
      });
  }

  function start() {
    addStyles();
    var boxes = document.querySelectorAll("[data-nachrichten]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.getAttribute("data-nachrichten-geladen")) return;
      box.setAttribute("data-nachrichten-geladen", "ja");
      load(box);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
