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

  // The button pressed is part of what a form sends ("helpful=no").
  function withChoice(data, submitter) {
    if (submitter && submitter.name) {
      data.set(submitter.name, submitter.value);
    }
    return data;
  }

  function sendPlainly(form, submitter) {
    if (submitter && submitter.name) {
      var chosen = document.createElement("input");
      chosen.type = "hidden";
      chosen.name = submitter.name;
      chosen.value = submitter.value;
      form.appendChild(chosen);
    }
    // submit() fires no submit event: this script does not catch the form again.
    form.submit();
  }

  function send(widget, form, submitter) {
    var data = withChoice(new FormData(form), submitter);
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
    // For browsers whose submit event does not say which button was pressed.
    var pressed = null;
    widget.addEventListener("click", function (event) {
      pressed = event.target.closest("button");
    });
    widget.addEventListener("submit", function (event) {
      event.preventDefault();
      send(widget, event.target, event.submitter || pressed);
    });
    watchCounts(widget);
  });
})();
