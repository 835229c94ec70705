/* The change form's live preview: after each pause in typing, post the form to the preview URL
   (which saves nothing) and show the page it returns in the frame beside the form. Without
   this script the Preview button posts the form into the frame instead. */
(function () {
  "use strict";
  var PAUSE_MS = 600;

  function start() {
    var button = document.querySelector("[data-live-preview]");
    if (!button || !window.fetch || !window.DOMParser) return;
    var form = button.form;
    var url = button.getAttribute("formaction");
    var frame = document.getElementById("live-preview-frame");
    var status = document.querySelector(".live-preview-status");
    var help = document.querySelector("[data-live-help]");
    var timer = null;
    var controller = null;
    var sent = 0;

    if (help) help.textContent = help.getAttribute("data-live-help");

    function show(html) {
      var shown = frame.contentDocument;
      if (shown && shown.querySelector(".readability-report")) {
        // Replace the page's body in place: no reload, no flash, and the reader keeps their place.
        var fresh = new DOMParser().parseFromString(html, "text/html");
        shown.title = fresh.title;
        shown.body.replaceWith(shown.importNode(fresh.body, true));
      } else {
        frame.srcdoc = html;
      }
    }

    function update() {
      clearTimeout(timer);
      if (controller) controller.abort();
      controller = new AbortController();
      var number = ++sent;
      frame.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          // An expired session is sent to the login page, which is no preview.
          if (response.redirected) throw new Error("you have been signed out: sign in again in another tab");
          if (!response.ok) {
            throw new Error(
              response.status === 403
                ? "you may have been signed out: sign in again in another tab"
                : "the server answered " + response.status
            );
          }
          return response.text();
        })
        .then(function (html) {
          if (number !== sent) return;
          show(html);
          status.textContent = "";
          frame.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          frame.removeAttribute("aria-busy");
          status.textContent =
            "The preview could not be updated (" + error.message + "). What you typed is still " +
            "in the form; press Preview to try again.";
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(update, PAUSE_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // The admin's autocomplete boxes (select2) announce changes through jQuery only.
    if (window.django && window.django.jQuery) window.django.jQuery(form).on("change", schedule);
    button.addEventListener("click", function (event) {
      event.preventDefault();
      update();
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
