// A form that creates something (it carries a one-time "once" token, see core/once.py) is sent
// once: its buttons are disabled as it goes, so a double tap does not send it twice. The server
// decides in any case; this only spares the second request. Buttons come back when an HTMX
// answer arrives (the form stays on the page) or the page is shown again from history.
(function () {
  "use strict";

  function buttons(form) {
    return form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
  }

  function setBusy(form, busy) {
    buttons(form).forEach(function (button) {
      button.disabled = busy;
    });
    if (busy) {
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector('input[name="once"]')) {
      return;
    }
    // After this turn, so the button pressed is still sent with the form.
    window.setTimeout(function () {
      setBusy(form, true);
    }, 0);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target instanceof HTMLFormElement ? event.target : event.target.closest("form");
    if (form) {
      setBusy(form, false);
    }
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll('form[aria-busy]').forEach(function (form) {
      setBusy(form, false);
    });
  });
})();
