/* Keeps what a customer typed in the public complaint form (issue 15: "the typed text is not
   lost"). As they type, the fields are saved in this tab's sessionStorage; when the form opens
   again (after our outage page, the back button, a reload) empty fields get their text back, and
   the form's one-time key comes back too, so that sending it again cannot make a second complaint
   of one that was stored after all. The confirmation page wipes it (data-formulier-wissen).
   Nothing leaves the browser, and closing the tab forgets it. Files cannot be kept: browsers never
   refill a file input, and the pages say so. The form works the same without this script. */
(function () {
  "use strict";
  var VOORVOEGSEL = "klachtformulier:";
  var NOOIT = ["csrfmiddlewaretoken", "website"]; // the CSRF token is the server's; the honeypot
  var opslag;
  try {
    opslag = window.sessionStorage;
    opslag.getItem(VOORVOEGSEL);
  } catch (e) {
    return; // storage off (private mode in some browsers): the form works as it is
  }

  function wissen() {
    for (var i = opslag.length - 1; i >= 0; i--) {
      var naam = opslag.key(i);
      if (naam && naam.indexOf(VOORVOEGSEL) === 0) {
        opslag.removeItem(naam);
      }
    }
  }

  if (document.querySelector("[data-formulier-wissen]")) {
    wissen();
    return;
  }
  var formulier = document.querySelector("form[data-formulier-bewaren]");
  if (!formulier) {
    return;
  }
  var sleutel = VOORVOEGSEL + window.location.pathname;

  function bewaarbaar(veld) {
    return (
      veld.name &&
      NOOIT.indexOf(veld.name) === -1 &&
      ["file", "password", "submit", "button", "reset"].indexOf(veld.type) === -1
    );
  }

  function velden() {
    return Array.prototype.filter.call(formulier.elements, bewaarbaar);
  }

  function bewaren() {
    var waarden = {};
    velden().forEach(function (veld) {
      waarden[veld.name] = veld.type === "checkbox" ? veld.checked : veld.value;
    });
    try {
      opslag.setItem(sleutel, JSON.stringify(waarden));
    } catch (e) {
      // storage full: the text stays in the form, just not after a reload
    }
  }

  function terugzetten() {
    var waarden = null;
    try {
      waarden = JSON.parse(opslag.getItem(sleutel) || "null");
    } catch (e) {
      waarden = null;
    }
    if (!waarden) {
      return;
    }
    velden().forEach(function (veld) {
      if (!Object.prototype.hasOwnProperty.call(waarden, veld.name)) {
        return;
      }
      var waarde = waarden[veld.name];
      if (veld.type === "hidden") {
        veld.value = waarde; // the one-time key of the form that was sent before
      } else if (veld.type === "checkbox") {
        veld.checked = veld.checked || waarde === true;
      } else if (veld.value === "" && typeof waarde === "string") {
        veld.value = waarde; // what the server sent back (a form with errors) comes first
      }
    });
  }

  terugzetten();
  bewaren();
  formulier.addEventListener("input", bewaren);
  formulier.addEventListener("change", bewaren);
  formulier.addEventListener("submit", bewaren);
})();
