// The home-visit record form keeps what was typed when a phone's connection drops.
//
// - Every change is saved as a draft in this browser's localStorage, keyed by visit and user
//   (the form's data-draft-key), and put back when the page is opened again, with a note.
// - Sending goes through fetch. Offline (navigator.onLine false) or when the request fails, the
//   form is queued and sent by itself on the "online" event (or when the page is next opened
//   online). The draft keeps the form's one-time token (core/once.py), so a resend of a record
//   the server already has is told "already recorded" and never makes a second one.
// - The draft is cleared only once the server has the record; then the visit's page is shown.
// - Without JavaScript the form is an ordinary POST.
(function () {
  "use strict";

  var form = document.getElementById("visit-record-form");
  if (!form || !window.localStorage || !window.fetch) {
    return;
  }
  var key = form.getAttribute("data-draft-key");
  var queuedKey = key + ":queued";
  var sending = false;

  function note(id, shown) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = !shown;
    }
  }

  function buttons(busy) {
    form.querySelectorAll('button[type="submit"]').forEach(function (button) {
      button.disabled = busy;
    });
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.name !== "csrfmiddlewaretoken" && element.type !== "submit";
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (element) {
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) {
          data[element.name] = element.value;
        }
      } else {
        data[element.name] = element.value;
      }
    });
    try {
      window.localStorage.setItem(key, JSON.stringify(data));
    } catch (_error) {
      // Storage full or refused: the form still works as a normal form.
    }
  }

  function restore() {
    var raw = window.localStorage.getItem(key);
    if (!raw) {
      return false;
    }
    var data;
    try {
      data = JSON.parse(raw);
    } catch (_error) {
      return false;
    }
    var typed = false;
    fields().forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(data, element.name)) {
        return;
      }
      var value = data[element.name];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = element.value === value;
      } else {
        element.value = value;
      }
      if (element.name !== "once" && value) {
        typed = true;
      }
    });
    return typed;
  }

  function clear() {
    window.localStorage.removeItem(key);
    window.localStorage.removeItem(queuedKey);
  }

  function queue() {
    save();
    window.localStorage.setItem(queuedKey, "1");
    sending = false;
    buttons(false);
    note("visit-draft-sending", false);
    note("visit-draft-queued", true);
  }

  function send() {
    if (sending) {
      return;
    }
    if (!navigator.onLine) {
      queue();
      return;
    }
    sending = true;
    buttons(true);
    note("visit-draft-sending", true);
    var body = new FormData(form);
    var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
    window
      .fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: {
          "X-Requested-With": "visit-draft",
          "X-CSRFToken": csrf ? csrf.value : "",
        },
      })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/json") === 0) {
          return response.json().then(function (answer) {
            clear();
            window.location.assign(answer.url);
          });
        }
        // The server answered but did not save it (a problem with what was typed): send the
        // form the ordinary way so the page shows what to put right. The draft stays.
        sending = false;
        save();
        window.localStorage.removeItem(queuedKey);
        HTMLFormElement.prototype.submit.call(form);
        return undefined;
      })
      .catch(function () {
        queue();
      });
  }

  if (restore()) {
    note("visit-draft-restored", true);
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // forms.js would disable the buttons for good; this form manages its own.
    event.stopPropagation();
    save();
    send();
  });
  window.addEventListener("online", function () {
    if (window.localStorage.getItem(queuedKey)) {
      send();
    }
  });
  window.addEventListener("offline", function () {
    if (window.localStorage.getItem(queuedKey)) {
      note("visit-draft-queued", true);
    }
  });
  if (window.localStorage.getItem(queuedKey)) {
    if (navigator.onLine) {
      send();
    } else {
      note("visit-draft-queued", true);
    }
  }
})();
