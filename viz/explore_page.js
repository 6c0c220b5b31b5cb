// gradbook explore: steps through the forward and backward pass written by viz.explore.
// Everything it shows comes from the JSON block #gb-data (computed by the engine in Python);
// this script only changes classes and text of the page and its inline SVG.
//
// URL fragment, applied on load and when it changes (for links and for headless tests); each
// part dispatches the same event a user's action would, so the same handlers run:
//   #step=N          show step N (0 is the start)
//   #press=next*K    click Next K times (also prev*K, play)
//   #press=right*K   press the → key K times (also left*K)
//   #slider=N        drag the slider to N
//   #leaf=NAME       click the node with that id (v0) or name
//   #hover=NAME      move the mouse onto that node
// Parts are joined with &, e.g. #press=next*5&leaf=x.
(function () {
  "use strict";
  var root = document.getElementById("gb-explore");
  var data = JSON.parse(document.getElementById("gb-data").textContent);
  var steps = data.steps;
  var last = steps.length - 1;
  var current = -1;
  var timer = null;

  var nodes = {};  // node id -> <g class="node">
  var byName = {};  // display name -> node id (the first node of that name)
  Array.prototype.forEach.call(root.querySelectorAll("g.node[data-node]"), function (g) {
    nodes[g.getAttribute("data-node")] = g;
  });
  var edges = Array.prototype.slice.call(root.querySelectorAll("g.edge[data-src]"));
  Object.keys(data.names).forEach(function (id) {
    if (!(data.names[id] in byName)) byName[data.names[id]] = id;
  });

  var $ = function (id) { return document.getElementById(id); };
  var slider = $("gb-slider"), counter = $("gb-counter"), stepBox = $("gb-step");
  var playButton = $("gb-play");

  function textOf(g, cls) { return g.querySelector("text." + cls); }

  function setEdges(pairs, cls) {
    var want = {};
    (pairs || []).forEach(function (p) { want[p[0] + "->" + p[1]] = true; });
    edges.forEach(function (e) {
      var key = e.getAttribute("data-src") + "->" + e.getAttribute("data-dst");
      e.classList.toggle(cls, key in want);
    });
  }

  // Show step s: replay the changes of steps 0..s on the initial state, then draw it.
  function go(s) {
    s = Math.max(0, Math.min(last, s | 0));
    var state = {};
    Object.keys(data.init).forEach(function (id) { state[id] = data.init[id].slice(); });
    for (var k = 0; k <= s; k++) {
      var set = steps[k].set;
      Object.keys(set).forEach(function (id) {
        for (var j = 0; j < 3; j++) if (set[id][j] !== null) state[id][j] = set[id][j];
      });
    }
    var step = steps[s];
    Object.keys(nodes).forEach(function (id) {
      var g = nodes[id];
      var base = id.replace(/_op$/, "");
      var st = state[base];
      ["gb-wait", "gb-known", "gb-partial", "gb-final", "gb-nograd"].forEach(function (c) {
        g.classList.toggle(c, !!st && st[0] === c);
      });
      g.classList.toggle("gb-current", step.node !== null && base === step.node);
      if (st && id === base) {
        var d = textOf(g, "gb-data"), gr = textOf(g, "gb-grad");
        if (d && st[1]) d.textContent = st[1];
        if (gr && st[2]) gr.textContent = st[2];
      }
    });
    var forward = step.phase === "forward";
    setEdges(forward ? step.edges : [], "gb-fwd");
    setEdges(forward ? [] : step.edges, "gb-bwd");

    stepBox.textContent = "";
    step.lines.forEach(function (line) {
      var div = document.createElement("div");
      div.className = "gb-line";
      div.textContent = line;
      stepBox.appendChild(div);
    });
    current = s;
    slider.value = String(s);
    counter.textContent = "step " + s + " of " + last + " \u00b7 " + step.phase;
    root.setAttribute("data-step", String(s));
    root.setAttribute("data-phase", step.phase);
    $("gb-prev").disabled = s === 0;
    $("gb-next").disabled = s === last;
    if (s === last) stop();
  }

  function next() { go(current + 1); }
  function prev() { go(current - 1); }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.textContent = "\u25b6 Play";
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current >= last) go(0);
    playButton.textContent = "\u275a\u275a Pause";
    timer = setInterval(next, 1100);
  }

  function showInfo(id) { $("gb-info").textContent = data.info[id] || id; }

  // The paths from the root to a leaf, each with its product of local derivatives.
  function showPaths(id) {
    var box = $("gb-paths");
    box.textContent = "";
    Object.keys(nodes).forEach(function (k) { nodes[k].classList.remove("gb-selected"); });
    setEdges([], "gb-path");
    var entry = data.paths[id];
    if (!entry) {
      box.textContent = data.tensor
        ? "Paths are listed for graphs of Values. With Tensors each local derivative is a " +
          "Jacobian matrix, which backpropagation never forms: each step applies its " +
          "vector-Jacobian product instead."
        : "Click an input or a parameter (a leaf that requires a gradient).";
      return;
    }
    if (nodes[id]) nodes[id].classList.add("gb-selected");
    var all = [];
    entry.lines.forEach(function (line, k) {
      var div = document.createElement("div");
      div.textContent = line;
      var path = entry.edges[k - 1];
      if (k >= 1 && path) {
        div.className = "gb-pathline";
        all = all.concat(path);
        div.addEventListener("mouseenter", function () { setEdges(path, "gb-path"); });
        div.addEventListener("mouseleave", function () { setEdges(all, "gb-path"); });
      }
      box.appendChild(div);
    });
    setEdges(all, "gb-path");
    box.setAttribute("data-leaf", id);
  }

  function applyHash() {
    var h = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (!h) return;
    h.split("&").forEach(function (part) {
      var kv = part.split("="), key = kv[0], val = kv.slice(1).join("=");
      var node = nodes[val in nodes ? val : byName[val]];
      if (key === "step") go(parseInt(val, 10) || 0);
      if (key === "slider") {
        slider.value = val;
        slider.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (key === "leaf" && node) node.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      if (key === "hover" && node) node.dispatchEvent(new MouseEvent("mouseenter"));
      var m = key === "press" && /^(next|prev|play|right|left)(?:\*(\d+))?$/.exec(val);
      for (var i = 0; m && i < (m[2] ? parseInt(m[2], 10) : 1); i++) {
        if (m[1] === "right" || m[1] === "left") {
          var arrow = m[1] === "right" ? "ArrowRight" : "ArrowLeft";
          document.dispatchEvent(new KeyboardEvent("keydown", { key: arrow, bubbles: true }));
        } else {
          $("gb-" + m[1]).click();  // a disabled button ignores it, as it ignores a user
        }
      }
    });
  }

  $("gb-next").addEventListener("click", function () { stop(); next(); });
  $("gb-prev").addEventListener("click", function () { stop(); prev(); });
  playButton.addEventListener("click", play);
  slider.addEventListener("input", function () { stop(); go(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (e) {
    if (e.target === slider || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowRight") { $("gb-next").click(); e.preventDefault(); }
    if (e.key === "ArrowLeft") { $("gb-prev").click(); e.preventDefault(); }
  });
  Object.keys(nodes).forEach(function (id) {
    var g = nodes[id];
    g.addEventListener("mouseenter", function () { showInfo(id); });
    if (data.leaves.indexOf(id) >= 0) {
      g.classList.add("gb-leaf");
      g.addEventListener("click", function () { showPaths(id); });
    }
  });
  window.addEventListener("hashchange", applyHash);

  root.classList.add("gb-js");
  root.querySelector("details.gb-all").open = false;  // the steps are shown one at a time
  Array.prototype.forEach.call(root.querySelectorAll("[hidden]"), function (el) {
    el.hidden = false;
  });
  go(0);
  applyHash();
})();
