/*! Journal Metadata API widget: an article's reference list or "how to cite" box in any page.
 *
 *   <div data-article="1" data-show="references"></div>
 *   <div data-article="1" data-show="citation" data-style="apa"></div>
 *   <script src="https://API.example.org/static/widget.js" defer></script>
 *
 * No framework, no inline styles or handlers (strict CSPs allow it with script-src for the API's
 * origin); record text is set with textContent, so nothing from the API is parsed as HTML. Style
 * it through the jm-* classes. The API is the origin this script came from, or data-api="…".
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var defaultApi = script && script.src ? new URL(script.src).origin : "";
  var MAX_PAGES = 20;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function doiLink(doi) {
    var link = el("a", "jm-doi", "https://doi.org/" + doi);
    link.href = "https://doi.org/" + doi.split("/").map(encodeURIComponent).join("/");
    link.rel = "noopener";
    return link;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function fetchReferences(api, id) {
    var items = [];
    function page(cursor, remaining) {
      var url = api + "/articles/" + encodeURIComponent(id) + "/references?limit=1000";
      if (cursor) url += "&cursor=" + encodeURIComponent(cursor);
      return getJson(url).then(function (body) {
        items = items.concat(body.items || []);
        if (body.next_cursor && remaining > 1) return page(body.next_cursor, remaining - 1);
        return items;
      });
    }
    return page(null, MAX_PAGES);
  }

  function renderReferences(target, api, id) {
    return fetchReferences(api, id).then(function (items) {
      var list = el("ol", "jm-references");
      items.forEach(function (item) {
        var entry = el("li", "jm-reference", item.raw);
        entry.value = item.position;
        if (item.doi) {
          entry.appendChild(document.createTextNode(" "));
          entry.appendChild(doiLink(item.doi));
        }
        list.appendChild(entry);
      });
      target.replaceChildren(list);
    });
  }

  function renderCitation(target, api, id) {
    var style = target.getAttribute("data-style") || "apa";
    var url = api + "/articles/" + encodeURIComponent(id) + "?format=citation&style=" +
      encodeURIComponent(style);
    var lang = target.getAttribute("data-lang");
    if (lang) url += "&lang=" + encodeURIComponent(lang) + "&fallback=true";
    return fetch(url, { headers: { Accept: "text/x-bibliography" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (text) {
      var box = el("div", "jm-citation");
      box.appendChild(el("p", "jm-citation-text", text.trim()));
      target.replaceChildren(box);
    });
  }

  function render(target) {
    var id = target.getAttribute("data-article");
    if (!id || target.getAttribute("data-jm-state")) return Promise.resolve();
    var api = (target.getAttribute("data-api") || defaultApi).replace(/\/+$/, "");
    var show = target.getAttribute("data-show") || "references";
    target.setAttribute("data-jm-state", "loading");
    target.classList.add("jm-widget");
    var work = show === "citation" ? renderCitation(target, api, id) : renderReferences(target, api, id);
    return work.then(function () {
      target.setAttribute("data-jm-state", "done");
    }, function (error) {
      target.setAttribute("data-jm-state", "error");
      target.replaceChildren(el("p", "jm-error", "Could not load from " + api + ": " + error.message));
    });
  }

  function renderAll(root) {
    var nodes = (root || document).querySelectorAll("[data-article]");
    return Promise.all(Array.prototype.map.call(nodes, render));
  }

  window.JournalMetadataWidget = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { renderAll(); });
  } else {
    renderAll();
  }
})();
