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

// Character counters (a <p data-counter-for="ID"> beside a message box): the count as one
// types, a note past one text message's length or near the limit, and the same note once in a
// polite live region, so a screen reader hears when it matters and not at every key. The
// texts come translated in data attributes; the server checks the length whatever happens here.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return String(values[name]);
    });
  }

  function update(counter) {
    var box = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!box) {
      return;
    }
    var max = parseInt(counter.getAttribute("data-max"), 10);
    var sms = parseInt(counter.getAttribute("data-sms"), 10);
    var length = box.value.length;
    counter.querySelector(".counter-count").textContent = format(
      counter.getAttribute("data-text-count"),
      { n: length.toLocaleString(), max: max.toLocaleString() }
    );
    var note = "";
    if (length >= max * 0.9) {
      note = counter.getAttribute("data-text-near");
    } else if (length > sms) {
      note = counter.getAttribute("data-text-sms");
    }
    counter.querySelector(".counter-note").textContent = note;
    counter.classList.toggle("counter-warn", note !== "");
    var live = counter.querySelector(".counter-live");
    if (live.getAttribute("data-said") !== note) {
      live.setAttribute("data-said", note);
      live.textContent = note;
    }
  }

  function updateAll() {
    document.querySelectorAll("[data-counter-for]").forEach(update);
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box || !box.id) {
      return;
    }
    document.querySelectorAll('[data-counter-for="' + box.id + '"]').forEach(update);
  });
  document.addEventListener("htmx:afterSettle", updateAll);
  document.addEventListener("DOMContentLoaded", updateAll);
})();
