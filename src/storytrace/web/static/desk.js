/* storytrace serve: the live notice. Polls /api/status and, once the server holds a newer
   trace than the one this page shows (a POST /api/reports, or `storytrace watch` writing into
   the store from another process), says so and offers a reload. Only textContent is written. */
(function () {
  "use strict";
  var live = document.getElementById("desk-live");
  if (!live || !window.fetch) return;
  var version = Number(live.getAttribute("data-trace-version"));
  var traced = Number(live.getAttribute("data-traced"));
  var every = Math.max(250, Number(live.getAttribute("data-every")) || 5000);
  var text = live.querySelector(".desk-live-text");
  var reload = live.querySelector(".desk-live-reload");

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function show(message, canReload) {
    text.textContent = message;
    reload.hidden = !canReload;
    live.hidden = false;
    live.classList.toggle("ready", canReload);
  }

  reload.addEventListener("click", function () { window.location.reload(); });

  function check(status) {
    if (!status) return false;
    if (status.trace_version > version) {
      var added = status.traced_articles - traced;
      show((added > 0 ? plural(added, "new report") + " traced" : "New trace ready") + " — reload to see them.", true);
      return true; // nothing newer to wait for until the reader reloads
    }
    var waiting = status.articles - traced;
    if (status.last_error && !status.tracing) {
      show("The last re-trace failed (" + status.last_error + "); this page shows the trace before it.", false);
    } else if (waiting > 0 || status.tracing) {
      show((waiting > 0 ? plural(waiting, "new report") + " stored" : "Re-tracing") + "; tracing…", false);
    }
    return false;
  }

  function poll() {
    fetch("/api/status", { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (!check(status)) setTimeout(poll, every); })
      .catch(function () { setTimeout(poll, every * 2); });
  }
  setTimeout(poll, every);
})();
