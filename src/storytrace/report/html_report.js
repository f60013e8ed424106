/* storytrace single-file report: sentence links, finding highlights, type filters.
   Inlined by storytrace.report.html. Report text is only ever read from the DOM or from the
   JSON block and written back with textContent, never as HTML. */
(function () {
  "use strict";

  var data = {};
  try {
    var block = document.getElementById("st-data");
    if (block) data = JSON.parse(block.textContent) || {};
  } catch (err) { data = {}; }
  var findings = data.findings || {};

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function ids(el, attr) { return (el.getAttribute(attr) || "").split(" ").filter(Boolean); }
  function closest(el, selector) { return el && el.closest ? el.closest(selector) : null; }

  // ---- aligned sentences: hover shows the partner(s), click pins them ----------------------
  function partners(sentence) {
    return ids(sentence, "data-partners").map(function (id) { return document.getElementById(id); }).filter(Boolean);
  }
  function setLinked(sentence, on) {
    [sentence].concat(partners(sentence)).forEach(function (el) { el.classList.toggle("linked", on); });
  }
  document.addEventListener("mouseover", function (ev) {
    var s = closest(ev.target, ".sent");
    if (s) setLinked(s, true);
  });
  document.addEventListener("mouseout", function (ev) {
    var s = closest(ev.target, ".sent");
    if (s && !(ev.relatedTarget && s.contains(ev.relatedTarget))) setLinked(s, false);
  });

  function pinSentence(sentence) {
    var wasPinned = sentence.classList.contains("pinned");
    all(".sent.pinned").forEach(function (el) { el.classList.remove("pinned"); });
    if (wasPinned) return;
    var group = [sentence].concat(partners(sentence));
    group.forEach(function (el) { el.classList.add("pinned"); });
    var other = partners(sentence)[0];
    if (other) scrollWithinColumn(other);
  }

  // Scroll an element into the middle of its own column only, so the page does not jump.
  function scrollWithinColumn(el) {
    var body = closest(el, ".body");
    if (!body) { el.scrollIntoView({ block: "center" }); return; }
    var top = el.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop;
    body.scrollTop = Math.max(0, top - body.clientHeight / 2);
  }

  // ---- findings: a click highlights the spans on both sides --------------------------------
  var current = null;
  function activate(id, scroll) {
    all(".active").forEach(function (el) { el.classList.remove("active"); });
    current = id;
    var item = document.querySelector('li[data-finding-id="' + id + '"]');
    var marks = all('.mark[data-f~="' + id + '"]');
    marks.forEach(function (el) { el.classList.add("active"); });
    if (item) item.classList.add("active");
    if (scroll !== false) {
      var panel = item ? closest(item, ".pair") : (marks[0] ? closest(marks[0], ".pair") : null);
      if (panel) panel.scrollIntoView({ block: "nearest" });
      // the first mark of each column, centred in that column
      var seen = [];
      marks.forEach(function (el) {
        var col = closest(el, ".col");
        if (seen.indexOf(col) < 0) { seen.push(col); scrollWithinColumn(el); }
      });
      if (item) scrollWithinColumn(item);
    }
    showStatus(id);
  }

  var status = document.getElementById("st-status");
  function showStatus(id) {
    if (!status) return;
    var f = findings[id];
    if (!f) { status.hidden = true; return; }
    status.querySelector(".st-type").textContent = f.type || "";
    status.querySelector(".st-text").textContent = f.explanation || "";
    status.hidden = false;
  }
  function step(delta) {
    var visible = all("li[data-finding-id]").filter(function (li) { return !li.hidden; });
    if (!visible.length) return;
    var at = -1;
    visible.forEach(function (li, k) { if (li.getAttribute("data-finding-id") === current) at = k; });
    var next = visible[(at + delta + visible.length) % visible.length];
    activate(next.getAttribute("data-finding-id"));
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (closest(t, "#st-status")) {
      var b = closest(t, "button");
      if (!b) return;
      if (b.classList.contains("st-prev")) step(-1);
      else if (b.classList.contains("st-next")) step(1);
      else { all(".active").forEach(function (el) { el.classList.remove("active"); }); current = null; status.hidden = true; }
      return;
    }
    var li = closest(t, "li[data-finding-id]");
    if (li) { activate(li.getAttribute("data-finding-id")); return; }
    var mark = closest(t, ".mark[data-f]");
    if (mark) {
      var fid = ids(mark, "data-f")[0];
      activate(fid, false);
      var item = document.querySelector('li[data-finding-id="' + fid + '"]');
      if (item) scrollWithinColumn(item);
      return;
    }
    var sentence = closest(t, ".sent");
    if (sentence) { pinSentence(sentence); return; }
    var edge = closest(t, "svg .edge[data-pair]");
    if (edge) { jump(edge.getAttribute("data-pair")); return; }
    var node = closest(t, "svg .node[data-card], .tl-pub[data-card]");
    if (node) { jump(node.getAttribute("data-card")); return; }
  });
  document.addEventListener("keydown", function (ev) {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target && ev.target.matches && ev.target.matches("li[data-finding-id], svg .edge, svg .node")) {
      ev.preventDefault();
      ev.target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }
  });

  function jump(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el) return;
    el.scrollIntoView({ block: "start" });
    el.classList.add("flash");
    setTimeout(function () { el.classList.remove("flash"); }, 1200);
  }

  // ---- filters by finding type, per story ---------------------------------------------------
  function applyFilters(story) {
    var shown = {};
    all("input.ftype", story).forEach(function (box) { shown[box.value] = box.checked; });
    var typeOf = {};
    all("li[data-finding-id]", story).forEach(function (li) {
      var type = li.getAttribute("data-type");
      typeOf[li.getAttribute("data-finding-id")] = type;
      li.hidden = shown[type] === false;
    });
    all(".mark[data-f]", story).forEach(function (mark) {
      var any = ids(mark, "data-f").some(function (id) { return shown[typeOf[id]] !== false; });
      mark.classList.toggle("off", !any);
    });
  }
  all("section.story").forEach(function (story) {
    all("input.ftype", story).forEach(function (box) {
      box.addEventListener("change", function () { applyFilters(story); });
    });
    all("button.fall, button.fnone", story).forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.classList.contains("fall");
        all("input.ftype", story).forEach(function (box) { box.checked = on; });
        applyFilters(story);
      });
    });
    applyFilters(story);
  });

  // a link such as report.html#f0-3 opens with that finding highlighted
  var hash = (location.hash || "").slice(1);
  if (/^f\d+-\d+$/.test(hash) && findings[hash]) activate(hash);
})();
