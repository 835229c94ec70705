/*
 * "Was this page helpful?" without leaving the page. Each form in a widget is sent in the
 * background and the server's answer, a fragment of HTML, replaces the widget's contents; focus
 * moves to its first line so that a screen reader reads it. The forms work without this script
 * as plain POSTs, which is also what happens when sending in the background fails.
 */
(function () {
  "use strict";

  function showCount(textarea, counter) {
    var limit = Number(counter.dataset.limit);
    var left = limit - Array.from(textarea.value).length;
    // The words come from the page, translated with the rest of it.
    if (left >= 0) {
      counter.textContent = counter.dataset.leftText + " " + left;
    } else {
      counter.textContent = counter.dataset.overText + " " + -left;
    }
    counter.classList.toggle("over-limit", left < 0);
  }

  function watchCounts(widget) {
    widget.querySelectorAll("[data-count-for]").forEach(function (counter) {
      var textarea = document.getElementById(counter.dataset.countFor);
      if (!textarea) {
        return;
      }
      showCount(textarea, counter);
      textarea.addEventListener("input", function () {
        showCount(textarea, counter);
      });
    });
  }

  function sendPlainly(form, submitter) {
    form.dataset.plain = "yes";
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = false;
    });
    form.requestSubmit(submitter || null);
  }

  function send(widget, form, submitter) {
    var data = new FormData(form, submitter || null);
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = true;
    });
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.status >= 500 || type.indexOf("text/html") !== 0) {
          throw new Error("no fragment: " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fragment = new DOMParser().parseFromString(html, "text/html");
        widget.replaceChildren.apply(widget, Array.from(fragment.body.childNodes));
        watchCounts(widget);
        var first = widget.querySelector("[data-feedback-focus]");
        if (first) {
          first.focus();
        }
      })
      .catch(function () {
        sendPlainly(form, submitter);
      });
  }

  document.querySelectorAll("[data-feedback]").forEach(function (widget) {
    widget.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.plain) {
        return;
      }
      event.preventDefault();
      send(widget, form, event.submitter);
    });
    watchCounts(widget);
  });
})();
