/* The work queue without a mouse (issue 19), an enhancement only: every action is a plain link
   or form without it.
   Queue: j / ArrowDown and k / ArrowUp move through the rows (focus on the row's dossier link,
   so Enter opens it); x ticks the row for the actions on several complaints; the box in the
   table's head ticks every row of the page.
   Dossier: Escape (outside a field) goes back to the queue as it was left (its filters, sort and
   page, remembered for this tab); its back link goes there too. */
(function () {
  "use strict";
  var SLEUTEL = "werkvoorraad-adres";

  function inVeld(doel) {
    var naam = doel && doel.tagName;
    return naam === "INPUT" || naam === "SELECT" || naam === "TEXTAREA" || (doel && doel.isContentEditable);
  }

  function werkvoorraad(tbody) {
    try {
      sessionStorage.setItem(SLEUTEL, window.location.pathname + window.location.search);
    } catch (e) { /* storage off: the back link keeps its plain address */ }
    var links = Array.prototype.slice.call(tbody.querySelectorAll("a[data-rij-link]"));
    if (!links.length) return;
    var alle = document.getElementById("alle-op-pagina");
    var vinkjes = Array.prototype.slice.call(tbody.querySelectorAll('input[type="checkbox"][name="klachten"]'));
    if (alle) {
      alle.addEventListener("change", function () {
        vinkjes.forEach(function (v) { v.checked = alle.checked; });
      });
      vinkjes.forEach(function (v) {
        v.addEventListener("change", function () {
          if (!v.checked) alle.checked = false;
        });
      });
    }
    function huidige() {
      var rij = document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr") : null;
      for (var i = 0; i < links.length; i++) {
        if (links[i].closest("tr") === rij) return i;
      }
      return -1;
    }
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || inVeld(e.target)) return;
      var i = huidige();
      if (e.key === "j" || e.key === "ArrowDown") {
        links[Math.min(links.length - 1, i + 1)].focus();
        e.preventDefault();
      } else if (e.key === "k" || e.key === "ArrowUp") {
        links[Math.max(0, i - 1)].focus();
        e.preventDefault();
      } else if (e.key === "x" && i >= 0) {
        var vinkje = links[i].closest("tr").querySelector('input[type="checkbox"][name="klachten"]');
        if (vinkje) {
          vinkje.checked = !vinkje.checked;
          vinkje.dispatchEvent(new Event("change"));
          e.preventDefault();
        }
      }
    });
  }

  function dossier(terug) {
    var adres = null;
    try { adres = sessionStorage.getItem(SLEUTEL); } catch (e) { adres = null; }
    // Only an address of the queue itself (same origin, its path).
    if (adres && adres.indexOf(terug.pathname) === 0) terug.setAttribute("href", adres);
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !inVeld(e.target) && !document.querySelector("dialog[open]")) {
        window.location.href = terug.getAttribute("href");
      }
    });
  }

  var tbody = document.querySelector("tbody[data-werkvoorraad]");
  if (tbody) werkvoorraad(tbody);
  var terug = document.querySelector("a[data-terug-werkvoorraad]");
  if (terug) dossier(terug);
})();
