"""In a real browser, no public page with hostile content stored runs a script or opens a dialog.

Pages are served with the site's real Content-Security-Policy, and every CSP violation counts
as a failure: CSP is a second wall, so a script that only CSP stopped still fails the test.
"""

import pytest

from tests.test_hostile_content import storable_payloads, store_hostile_content

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before any script of the page: records every dialog call instead of opening it, and
# every script, style or plugin the page's CSP had to block.
INIT_SCRIPT = """
window.__xss_hits = [];
window.__csp_violations = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss_hits.push(name + "(" + args.join(", ") + ")"); };
}
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp_violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

# After load, let autofocus, <details> toggles and zero-delay timers fire; then read the DOM as
# the browser built it (not as Python's parser did) for anything that could still run. The
# site's own JSON-LD blocks, the symptom checker's form and diagram, and the "Was this page
# helpful?" script from its static files are expected.
INSPECT_PAGE = """
async () => {
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const OWN_SCRIPTS = new Set([new URL("/static/js/feedback.js", location.origin).href]);
  const forbidden = new Set(["iframe", "frame", "object", "embed", "style", "base", "img",
    "video", "audio", "math", "template", "textarea", "animate", "set", "foreignobject"]);
  const problems = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName.toLowerCase();
    if (forbidden.has(tag)) problems.push(`<${tag}>`);
    if (tag === "script" && el.type !== "application/ld+json" && !OWN_SCRIPTS.has(el.src)) {
      problems.push("<script>");
    }
    if (tag === "meta" && el.hasAttribute("http-equiv")) problems.push("<meta http-equiv>");
    if (tag === "form" && new URL(el.action).origin !== location.origin) {
      problems.push(`<form action="${el.action}">`);
    }
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on") || attr.name === "style" || attr.name === "srcdoc") {
        problems.push(`<${tag} ${attr.name}>`);
      }
      if (["href", "src", "action", "formaction", "data", "xlink:href"].includes(attr.name)) {
        let scheme = "";
        try { scheme = new URL(attr.value, document.baseURI).protocol; } catch (error) {}
        if (["javascript:", "data:", "vbscript:"].includes(scheme)) {
          problems.push(`<${tag} ${attr.name}="${attr.value}">`);
        }
      }
    }
  }
  return {hits: window.__xss_hits, csp: window.__csp_violations, problems};
}
"""

# Python's parser reads every payload on every page (tests/test_hostile_content.py); here the
# browser builds the DOM, so each payload is shown in every template context once. The symptom,
# treatment and topic pages show their fields in the same contexts (the name in <h1> and <title>,
# Markdown through the same filter into .body, the same lists of linked items), so each payload
# visits one of the three in turn; every other page, for every payload.
SAME_CONTEXTS = ["symptom", "treatment", "tag"]

CONTROL_PAGE = "<!doctype html><title>control</title><script>alert('control')</script>"


def serve_control_page(headers):
    """A Playwright route handler that answers with CONTROL_PAGE and `headers`."""

    def fulfil(route):
        route.fulfill(content_type="text/html", headers=headers, body=CONTROL_PAGE)

    return fulfil


def test_no_script_runs_and_no_dialog_opens_on_any_page(
    live_server, django_user_model, in_chromium
):
    urls = []
    for key, payload in enumerate(storable_payloads()):
        pages = store_hostile_content(payload, str(key), django_user_model)
        # The XML sitemap is left to the parser test: Chromium shows XML through a viewer page
        # of its own, with its own <style>.
        skipped = {"sitemap", *SAME_CONTEXTS} - {SAME_CONTEXTS[key % len(SAME_CONTEXTS)]}
        urls.extend(url for page, url in pages.items() if page not in skipped)
    urls = list(dict.fromkeys(urls))  # each list page once

    dialogs, page_errors, csp_console, findings = [], [], [], {}
    controls = {}

    def drive(browser):
        context = browser.new_context()
        context.add_init_script(INIT_SCRIPT)

        # Controls: the hooks see a script that runs, and one that CSP blocks. On a page of
        # their own: routing requests turns off a page's HTTP cache, and the site's pages
        # should load their stylesheet as a patient's browser does, once.
        control_page = context.new_page()
        for name, headers in [
            ("runs", {}),
            ("blocked", {"Content-Security-Policy": "script-src 'none'"}),
        ]:
            control_url = f"{live_server.url}/__control_{name}__"
            control_page.route(control_url, serve_control_page(headers))
            control_page.goto(control_url)
            controls[name] = control_page.evaluate(INSPECT_PAGE)
        control_page.close()

        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "Content Security Policy" in message.text
                and csp_console.append(message.text)
            ),
        )

        for url in urls:
            response = page.goto(live_server.url + url, wait_until="load")
            assert response.status == 200, f"{url} answered {response.status}"
            assert "script-src" in response.headers.get("content-security-policy", "")
            result = page.evaluate(INSPECT_PAGE)
            if result["hits"] or result["csp"] or result["problems"]:
                findings[url] = result

    in_chromium(drive)

    assert controls["runs"]["hits"] == ["alert(control)"], "the hooks missed a script that ran"
    assert controls["blocked"]["csp"], "the hooks missed a script that CSP blocked"
    assert findings == {}, f"script ran, or CSP had to stop it, or it reached the DOM: {findings}"
    assert dialogs == [], f"dialogs opened: {dialogs}"
    assert page_errors == [], f"script errors: {page_errors}"
    assert csp_console == [], f"CSP had to block something: {csp_console}"
