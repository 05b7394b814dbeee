/*! orgmodel explorer — a time slider over an organisation's history, in one offline page.
 * Part of orgmodel; MIT licence (the text is at the end of this script).  No dependencies, no build step.
 *
 * The page carries its data as JSON (see orgmodel/_explore/_payload.py for the format).  Units are laid
 * out once from the union of the whole period's hierarchy (data.tree) and keep their places on every
 * day; moving the slider only shows, hides and relabels boxes and redraws the lines.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("orgmodel-data").textContent);
  if (data.format !== 1) {
    document.body.textContent = "This page was written by a newer orgmodel (data format " + data.format + ").";
    return;
  }

  // --- sizes (pixels, before zoom) ---------------------------------------------------------------
  var W = 214, GAP_X = 18, GAP_Y = 40, INDENT = 24, STACK_GAP = 12, STACK = 2, ROOT_GAP = 48;
  var HEADER = 52, ROW = 15, MAX_ROWS = 4;
  var BIG = 300; // with more units than this, the page opens with the levels below the second collapsed

  var days = data.days, entities = data.entities, tree = data.tree, style = data.style;
  var ids = { unit: [], post: [], person: [], function: [] };
  Object.keys(entities).forEach(function (id) {
    var list = ids[entities[id].type];
    if (list) list.push(id);
  });
  var treeParent = {};
  Object.keys(tree.children).forEach(function (parent) {
    tree.children[parent].forEach(function (child) { treeParent[child] = parent; });
  });

  // --- small helpers -----------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  /** The value of a run list ([[day, value], ...]) on day index i: the last run starting on or before it. */
  function runAt(runs, i) {
    var lo = 0, hi = runs.length - 1, found = null;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (runs[mid][0] <= i) { found = runs[mid][1]; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function stateOf(id, i) { var r = entities[id]; return r ? runAt(r.states, i) : null; }
  function flagsOf(id, i) { var r = entities[id]; return r ? runAt(r.flags, i) || 0 : 0; }
  function lastState(id) {
    var runs = entities[id] ? entities[id].states : [];
    for (var k = runs.length - 1; k >= 0; k--) if (runs[k][1]) return runs[k][1];
    return null;
  }
  function nameOf(id, i) {
    var s = stateOf(id, i) || lastState(id);
    return s ? s.name : id;
  }
  function flagText(bits) { return (bits & 1 ? " ?" : "") + (bits & 2 ? " (planned)" : ""); }
  /** The index of the last slider day on or before an ISO date (-1 before the first). */
  function floorIndex(date) {
    var lo = 0, hi = days.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (days[mid] <= date) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function push(map, key, value) {
    var list = map.get(key);
    if (list) list.push(value); else map.set(key, [value]);
  }

  // --- what the page shows -------------------------------------------------------------------------
  var view = {
    date: days.length ? days[Math.min(data.start, days.length - 1)] : "",
    index: -1,        // the slider day in force on view.date
    selected: null,   // an entity id
    collapsed: new Set(),
    zoom: { x: 0, y: 0, k: 1 },
  };
  view.index = floorIndex(view.date);

  /** Everything about one day that boxes and the panel need, computed once per day. */
  function dayFacts(i) {
    var facts = { i: i, units: new Map(), posts: new Map(), postsOf: new Map(), functionsOf: new Map(),
      heldBy: new Map(), marks: new Map(), onStep: i >= 0 && days[i] === view.date };
    ids.unit.forEach(function (id) { var s = stateOf(id, i); if (s) facts.units.set(id, s); });
    ids.post.forEach(function (id) {
      var s = stateOf(id, i);
      if (!s) return;
      facts.posts.set(id, s);
      if (s.unit) push(facts.postsOf, s.unit, id);
      s.holders.forEach(function (h) { push(facts.heldBy, h.person, id); });
    });
    ids.function.forEach(function (id) {
      var s = stateOf(id, i);
      if (s && s.owner) push(facts.functionsOf, s.owner, id);
    });
    facts.postsOf.forEach(function (list, unit) {
      list.sort(function (a, b) {
        var pa = facts.posts.get(a), pb = facts.posts.get(b);
        return (pb.heads - pa.heads) || pa.name.localeCompare(pb.name) || (a < b ? -1 : 1);
      });
    });
    facts.moves = new Map(); // unit id -> [[mark, "+ name" or "− name"]]: functions moved into or out of its box
    if (facts.onStep) {
      (data.marks[i] || []).forEach(function (mark) {
        var keys = typeof mark.subject === "string" ? [mark.subject] : [];
        (mark.related || []).forEach(function (r) { keys.push(r); });
        keys.forEach(function (key) { push(facts.marks, key, mark); });
        if (mark.kind === "function-transferred" && typeof mark.subject === "string") {
          var now = stateOf(mark.subject, i), before = stateOf(mark.subject, i - 1), name = nameOf(mark.subject, i);
          var into = now && now.owner ? boxOf(now.owner, i) : null;
          var outOf = before && before.owner ? boxOf(before.owner, i - 1) : null;
          if (into) push(facts.moves, into, [mark, "+ " + name]);
          if (outOf && outOf !== into) push(facts.moves, outOf, [mark, "− " + name]);
        }
      });
    }
    return facts;
  }

  /** The unit whose box shows an entity on day i (a post's unit, a function's owner's box). */
  function boxOf(id, i) {
    var r = entities[id];
    if (!r) return null;
    var s = stateOf(id, i) || (i > 0 ? stateOf(id, i - 1) : null);
    if (!s) return null;
    if (r.type === "unit") return id;
    if (r.type === "post") return s.unit || null;
    if (r.type === "function") return s.owner ? boxOf(s.owner, i) : null;
    if (r.type === "person") {
      var held = current && current.heldBy.get(id);
      return held && held.length ? boxOf(held[0], i) : null;
    }
    return null;
  }

  // --- layout: the union tree, once per set of collapsed units ------------------------------------
  var places = new Map(); // unit id -> {x, y, h, column: bool}
  var bounds = { w: 0, h: 0 };

  function rowsOf(id) {
    var n = tree.posts[id] || 0;
    return Math.min(n, MAX_ROWS) + (n > MAX_ROWS ? 1 : 0);
  }
  function boxHeight(id) { return HEADER + ROW * rowsOf(id); }
  function kidsOf(id) { return view.collapsed.has(id) ? [] : tree.children[id] || []; }

  /** Place a subtree with its left edge at x and its top at y; returns its width. */
  function place(id, x, y) {
    var h = boxHeight(id), kids = kidsOf(id);
    if (!kids.length) { places.set(id, { x: x, y: y, h: h }); return W; }
    var leaves = kids.length > STACK ? kids.filter(function (k) { return !kidsOf(k).length; }) : [];
    var others = leaves.length > 1 ? kids.filter(function (k) { return leaves.indexOf(k) < 0; }) : kids;
    if (leaves.length < 2) leaves = [];
    var below = y + h + GAP_Y, left = x, centres = [];
    if (leaves.length) {
      var yy = below;
      leaves.forEach(function (leaf) {
        var lh = boxHeight(leaf);
        places.set(leaf, { x: left + INDENT, y: yy, h: lh, column: true });
        yy += lh + STACK_GAP;
      });
      centres.push(left + INDENT / 2);
      left += INDENT + W + GAP_X;
    }
    others.forEach(function (kid) {
      var width = place(kid, left, below);
      centres.push(places.get(kid).x + W / 2);
      left += width + GAP_X;
    });
    var used = left - GAP_X - x;
    var centre = others.length ? (centres[0] + centres[centres.length - 1]) / 2 : x + W / 2;
    var bx = Math.max(x, Math.min(centre - W / 2, x + used - W));
    places.set(id, { x: bx, y: y, h: h });
    return Math.max(W, used);
  }

  function layout() {
    places = new Map();
    var x = 0;
    tree.roots.forEach(function (root) { x += place(root, x, 24) + ROOT_GAP; });
    var maxY = 0;
    places.forEach(function (p) { maxY = Math.max(maxY, p.y + p.h); });
    bounds = { w: Math.max(x - ROOT_GAP, W), h: maxY + 24 };
    var canvas = $("canvas"), edges = $("edges");
    canvas.style.width = bounds.w + "px";
    canvas.style.height = bounds.h + "px";
    edges.setAttribute("width", bounds.w);
    edges.setAttribute("height", bounds.h);
    boxes.forEach(function (el, id) {
      var p = places.get(id);
      if (p) { el.style.left = p.x + "px"; el.style.top = p.y + "px"; el.style.height = p.h + "px"; }
    });
  }

  function depthCollapse() {
    if (ids.unit.length <= BIG) return;
    var walk = function (id, depth) {
      var kids = tree.children[id] || [];
      if (kids.length && depth >= 1) view.collapsed.add(id);
      else kids.forEach(function (k) { walk(k, depth + 1); });
    };
    tree.roots.forEach(function (root) { walk(root, 0); });
  }

  /** Expand every collapsed unit above this one, so its box can be shown. */
  function reveal(unit) {
    var changed = false;
    for (var p = treeParent[unit]; p; p = treeParent[p]) {
      if (view.collapsed.delete(p)) changed = true;
    }
    if (changed) { layout(); }
    return changed;
  }

  // --- boxes -------------------------------------------------------------------------------------
  var boxes = new Map(); // unit id -> element
  var current = null, previous = null; // dayFacts of view.index and of the slider day before it

  function boxElement(id) {
    var el = boxes.get(id);
    if (el) return el;
    el = document.createElement("div");
    el.className = "box";
    el.dataset.id = id;
    var p = places.get(id);
    if (p) { el.style.left = p.x + "px"; el.style.top = p.y + "px"; el.style.height = p.h + "px"; }
    $("boxes").appendChild(el);
    boxes.set(id, el);
    return el;
  }

  function kindsOf(marks) {
    var kinds = [];
    marks.forEach(function (m) { if (kinds.indexOf(m.kind) < 0) kinds.push(m.kind); });
    return kinds;
  }
  function firstKind(kinds) {
    for (var k = 0; k < style.priority.length; k++) if (kinds.indexOf(style.priority[k]) >= 0) return style.priority[k];
    return null;
  }
  function badge(kind, extra) {
    var c = style.changes[kind] || { badge: kind };
    return '<span class="badge ch-' + kind + '">' + esc(c.badge + (extra || "")) + "</span>";
  }
  function markFlags(m) { return (m.uncertain ? " ?" : "") + (m.planned ? " (planned)" : ""); }

  /** The marks shown on a unit's box: its own, and those of its posts and functions (in their rows). */
  function unitMarks(id, facts) {
    var own = facts.marks.get(id) || [];
    var rows = [];
    (facts.postsOf.get(id) || []).forEach(function (post) { (facts.marks.get(post) || []).forEach(function (m) { rows.push(m); }); });
    return { own: own, rows: rows };
  }

  function boxHtml(id, s, facts, ghost) {
    var i = facts.i, bits = flagsOf(id, ghost ? i - 1 : i);
    var marks = ghost ? (facts.marks.get(id) || []) : unitMarks(id, facts).own.slice();
    // Functions that moved in or out today show as a badge on their old and new owner's boxes.
    var moved = [];
    if (!ghost) {
      (facts.moves.get(id) || []).forEach(function (move) { marks.push(move[0]); moved.push(move[1]); });
    }
    var kinds = kindsOf(marks), top = firstKind(kinds);
    var html = "";
    if (kinds.length) {
      html += '<div class="tabs">' + kinds.map(function (k) {
        var m = marks.filter(function (x) { return x.kind === k; })[0];
        return badge(k, markFlags(m));
      }).join("") + "</div>";
    }
    var note = entities[id].notes ? runAt(entities[id].notes, ghost ? i - 1 : i) : null;
    html += '<div class="name" title="' + esc(s.name + (note ? " — " + note : "")) + '">' + esc(s.name) +
      (bits ? '<span class="flag">' + esc(flagText(bits)) + "</span>" : "") + "</div>";
    var before = i > 0 ? stateOf(id, i - 1) : null;
    if (kinds.indexOf("renamed") >= 0 && before && before.name !== s.name) {
      html += '<div class="sub">was <s>' + esc(before.name) + "</s></div>";
    } else if (moved.length) {
      html += '<div class="sub fn">' + esc(moved.join(", ")) + "</div>";
    } else {
      html += '<div class="sub">' + esc(s.kind === "unit" ? "" : s.kind) + "</div>";
    }
    if (!ghost) {
      var posts = facts.postsOf.get(id) || [];
      posts.slice(0, MAX_ROWS).forEach(function (post) {
        var p = facts.posts.get(post), pm = facts.marks.get(post) || [];
        var holders = p.holders.map(function (h) {
          var roles = h.roles.length ? " (" + h.roles.join(", ") + ")" : "";
          return '<span class="person" data-id="' + esc(h.person) + '">' + esc(nameOf(h.person, i)) + roles + "</span>";
        });
        html += '<div class="row' + (p.heads ? " head" : "") + '" data-id="' + esc(post) + '">' +
          esc(p.name) + ": " + (holders.length ? holders.join(", ") : '<span class="vacant">vacant</span>') +
          esc(flagText(flagsOf(post, i))) + kindsOf(pm).map(function (k) { return " " + badge(k); }).join("") + "</div>";
      });
      if (posts.length > MAX_ROWS) html += '<div class="row more">+ ' + (posts.length - MAX_ROWS) + " more posts</div>";
    }
    if ((tree.children[id] || []).length) {
      var shut = view.collapsed.has(id);
      html += '<button class="fold" data-fold="' + esc(id) + '" title="' + (shut ? "expand" : "collapse") + '">' +
        (shut ? "+" + countBelow(id) : "−") + "</button>";
    }
    var cls = "box look-" + s.look + (top ? " ch ch-" + top : "") + (bits ? " tentative" : "") +
      (bits & 2 ? " planned" : "") + (ghost ? " ghost" : "") + (view.selected === id ? " selected" : "");
    return { html: html, cls: cls };
  }

  var belowCount = new Map();
  function countBelow(id) {
    if (belowCount.has(id)) return belowCount.get(id);
    var n = 0, stack = (tree.children[id] || []).slice();
    while (stack.length) { var k = stack.pop(); n++; (tree.children[k] || []).forEach(function (c) { stack.push(c); }); }
    belowCount.set(id, n);
    return n;
  }

  function drawBoxes() {
    var facts = current;
    var shown = new Set();
    facts.units.forEach(function (s, id) {
      if (!places.has(id)) return; // under a collapsed unit
      shown.add(id);
      paint(id, s, facts, false);
    });
    // On a step day, units gone since the day before stay as dashed ghosts in their places.
    if (facts.onStep && previous) {
      previous.units.forEach(function (s, id) {
        if (shown.has(id) || facts.units.has(id) || !places.has(id)) return;
        if (!(facts.marks.get(id) || []).length) return;
        shown.add(id);
        paint(id, s, facts, true);
      });
    }
    boxes.forEach(function (el, id) {
      var hide = !shown.has(id);
      if (el.hidden !== hide) el.hidden = hide;
    });
    return shown;
  }

  /**
   * Everything a box's content depends on, as a list of values compared by identity: states are shared
   * objects of the data, so an unchanged unit is known without building its HTML again.
   */
  function boxInputs(id, s, facts, ghost) {
    var i = facts.i, inputs = [s, flagsOf(id, i), ghost, view.selected === id, view.collapsed.has(id),
      facts.marks.get(id), facts.moves.get(id), facts.marks.has(id) && i > 0 ? stateOf(id, i - 1) : null];
    (facts.postsOf.get(id) || []).forEach(function (post) {
      var p = facts.posts.get(post);
      inputs.push(p, flagsOf(post, i), facts.marks.get(post));
      p.holders.forEach(function (h) { inputs.push(stateOf(h.person, i)); });
    });
    return inputs;
  }
  function sameInputs(a, b) {
    if (!a || a.length !== b.length) return false;
    for (var k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }

  function paint(id, s, facts, ghost) {
    var el = boxElement(id), inputs = boxInputs(id, s, facts, ghost);
    if (sameInputs(el._inputs, inputs)) return;
    el._inputs = inputs;
    var box = boxHtml(id, s, facts, ghost);
    if (el._html !== box.html) { el.innerHTML = box.html; el._html = box.html; }
    if (el.className !== box.cls) el.className = box.cls;
  }

  // --- lines -------------------------------------------------------------------------------------
  function bottomCentre(p) { return [p.x + W / 2, p.y + p.h]; }
  function elbow(parent, child) {
    var a = bottomCentre(parent), busY = a[1] + GAP_Y / 2;
    if (child.column) {
      var cx = child.x - INDENT / 2, my = child.y + Math.min(child.h / 2, 18);
      return "M" + a[0] + "," + a[1] + "V" + busY + "H" + cx + "V" + my + "H" + child.x;
    }
    return "M" + a[0] + "," + a[1] + "V" + busY + "H" + (child.x + W / 2) + "V" + child.y;
  }
  function curve(from, to) {
    var a = bottomCentre(from), b = [to.x + W / 2, to.y];
    if (to.y < from.y + from.h) { a = [from.x + W / 2, from.y]; }
    var dy = Math.max(40, Math.abs(b[1] - a[1]) / 2);
    return "M" + a[0] + "," + a[1] + "C" + a[0] + "," + (a[1] + (b[1] >= a[1] ? dy : -dy)) + " " + b[0] + "," +
      (b[1] - dy) + " " + b[0] + "," + b[1];
  }

  function drawLines(shown) {
    var facts = current, i = facts.i;
    var solid = [], dashed = [], across = [], ghosts = [], lineage = {}, relations = [];
    facts.units.forEach(function (s, id) {
      if (!shown.has(id) || !s.parent || !shown.has(s.parent)) return;
      var p = places.get(s.parent), c = places.get(id);
      var tentative = flagsOf(id, i) !== 0;
      if (treeParent[id] === s.parent) (tentative ? dashed : solid).push(elbow(p, c));
      else (tentative ? dashed : across).push(curve(p, c));
    });
    if (facts.onStep && previous) {
      (data.marks[i] || []).forEach(function (m) {
        if (m.kind === "moved" && typeof m.subject === "string" && entities[m.subject].type === "unit") {
          var before = stateOf(m.subject, i - 1);
          if (before && before.parent && shown.has(before.parent) && shown.has(m.subject)) {
            ghosts.push(curve(places.get(before.parent), places.get(m.subject)));
          }
        }
        if (m.kind === "merged" || m.kind === "split") {
          (m.related || []).forEach(function (other) {
            var from = m.kind === "merged" ? other : m.subject, to = m.kind === "merged" ? m.subject : other;
            if (shown.has(from) && shown.has(to) && from !== to) {
              (lineage[m.kind] = lineage[m.kind] || []).push(link(places.get(from), places.get(to)));
            }
          });
        }
      });
    }
    var all = $("show-relations").checked, mine = view.selected;
    if (all || mine) {
      var changed = new Set();
      if (facts.onStep) (data.marks[i] || []).forEach(function (m) { if (typeof m.subject === "number") changed.add(m.subject); });
      data.relations.forEach(function (rel, k) {
        var on = runAt(rel.states, i), was = changed.has(k) && i > 0 ? runAt(rel.states, i - 1) : null;
        if (!on && !was) return;
        if (!all && rel.source !== mine && rel.target !== mine) return;
        var a = boxOf(rel.source, i), b = boxOf(rel.target, i);
        if (!a || !b || a === b || !shown.has(a) || !shown.has(b)) return;
        var colour = changed.has(k) ? style.changes[on ? "relation-added" : "relation-removed"].colour : style.relations[rel.kind];
        relations.push('<path class="relation' + (changed.has(k) ? " changed" : "") + '" stroke="' + colour + '" d="' +
          link(places.get(a), places.get(b)) + '"><title>' + esc(nameOf(rel.source, i) + " " + rel.kind + " " +
          nameOf(rel.target, i) + flagText(runAt(rel.flags, i) || 0)) + "</title></path>");
      });
    }
    var svg = '<path class="tree" d="' + solid.join("") + '"/>' +
      '<path class="tree tentative" d="' + dashed.join("") + '"/>' +
      '<path class="tree across" d="' + across.join("") + '"/>' +
      '<path class="moved-from" d="' + ghosts.join("") + '"/>';
    Object.keys(lineage).forEach(function (kind) {
      svg += '<path class="lineage" stroke="' + style.changes[kind].colour + '" marker-end="url(#arrow-' + kind +
        ')" d="' + lineage[kind].join("") + '"/>';
    });
    svg += relations.join("");
    $("lines").innerHTML = svg;
  }

  /** A line between two boxes, side to side or top to bottom, whichever is nearer. */
  function link(a, b) {
    var ax = a.x + W / 2, ay = a.y + a.h / 2, bx = b.x + W / 2, by = b.y + b.h / 2;
    if (Math.abs(ay - by) < Math.max(a.h, b.h)) {
      var right = bx > ax;
      var sx = right ? a.x + W : a.x, ex = right ? b.x : b.x + W, mx = (sx + ex) / 2;
      return "M" + sx + "," + ay + "C" + mx + "," + ay + " " + mx + "," + by + " " + ex + "," + by;
    }
    var down = by > ay, sy = down ? a.y + a.h : a.y, ey = down ? b.y : b.y + b.h, my = (sy + ey) / 2;
    return "M" + ax + "," + sy + "C" + ax + "," + my + " " + bx + "," + my + " " + bx + "," + ey;
  }

  // --- drawing a day -----------------------------------------------------------------------------
  var timings = [], parts = [];

  function render() {
    var started = performance.now();
    var i = view.index;
    if (!current || current.i !== i || current.onStep !== (i >= 0 && days[i] === view.date)) {
      // One step forward: today's facts become the day before's, so only one day is computed.
      var before = current && current.i === i - 1 ? current : i > 0 ? dayFacts(i - 1) : null;
      current = dayFacts(i);
      previous = before;
    }
    var t1 = performance.now();
    var shown = drawBoxes();
    var t2 = performance.now();
    drawLines(shown);
    var t3 = performance.now();
    drawControls();
    drawPanel();
    writeFragment();
    var t4 = performance.now();
    parts.push([t1 - started, t2 - t1, t3 - t2, t4 - t3]);
    timings.push(t4 - started);
    if (timings.length > 200) timings.shift();
  }

  function drawControls() {
    var i = view.index;
    $("slider").value = Math.max(i, 0);
    $("date").value = view.date;
    var marks = current.onStep ? data.marks[i] || [] : [];
    var counts = {};
    marks.forEach(function (m) { counts[m.kind] = (counts[m.kind] || 0) + 1; });
    var words = Object.keys(counts).map(function (k) { return badge(k, " " + counts[k]); }).join(" ");
    var where = i < 0 ? "before the first recorded change (" + days[0] + ")" :
      current.onStep ? "step " + (i + 1) + " of " + days.length : "as on " + days[i] + " (nothing changes on this day)";
    $("day-note").innerHTML = esc(where) + (words ? " · " + words : "");
    $("step-back").disabled = i <= 0 && current.onStep;
    $("step-forward").disabled = i >= days.length - 1;
  }

  function goToDate(date) {
    view.date = date;
    view.index = floorIndex(date);
    render();
  }
  function goToIndex(i) {
    if (!days.length) return;
    i = Math.max(0, Math.min(days.length - 1, i));
    goToDate(days[i]);
  }
  function step(by) {
    var i = view.index;
    if (by < 0 && !current.onStep && i >= 0) goToIndex(i); // from between two steps, back to the one before
    else goToIndex(i + by);
  }

  // --- the side panel ----------------------------------------------------------------------------
  function ref(id, label) {
    if (!entities[id]) return esc(label || id);
    return '<a href="#" class="ref" data-ref="' + esc(id) + '">' + esc(label || nameOf(id, view.index)) + "</a>";
  }
  function factWhen(f) { return esc(f.since) + " – " + esc(f.until || ""); }
  function source(eventIndex) {
    var e = data.events[eventIndex];
    if (!e) return "";
    return '<div class="source">' + (e.quote ? "<blockquote>" + esc(e.quote) + "</blockquote>" : "") +
      '<div class="cite">' + esc([e.cite, e.status].filter(Boolean).join(" · ")) +
      (e.note ? " · " + esc(e.note) : "") + "</div></div>";
  }
  function holds(f, date) { return f.from <= date && (!f.to || f.to > date); }

  function drawPanel() {
    var panel = $("panel"), id = view.selected;
    if (!id || !entities[id]) {
      panel.innerHTML = '<p class="hint">Click a box, a post or a person, or search by any name a unit, post, ' +
        "person or function ever had. Keys: ← → step, Home/End, space plays, / searches, + − 0 zoom.</p>" + legendHtml();
      return;
    }
    var r = entities[id], i = view.index, s = stateOf(id, i), bits = flagsOf(id, i);
    var html = "<h2>" + esc(nameOf(id, i)) + '<span class="flag">' + esc(flagText(bits)) + "</span></h2>";
    html += '<div class="meta">' + esc(r.type) + (s && s.kind && s.kind !== r.type ? " · " + esc(s.kind) : "") +
      " · id " + esc(id) + "</div>";
    var note = r.notes ? runAt(r.notes, i) : null;
    if (note) html += '<p class="uncertain">Uncertain on ' + esc(view.date) + ": " + esc(note) + "</p>";
    if (bits & 2) {
      html += '<p class="planned">Planned on ' + esc(view.date) + ": what is shown rests on an event only " +
        "planned, not decided.</p>";
    }
    if (!s) {
      html += '<p class="absent">Not there on ' + esc(view.date) + ". " + ref(id, "Go to a day it exists") + "</p>";
    } else {
      html += "<h3>On " + esc(view.date) + "</h3>" + todayHtml(id, r.type, s, i);
    }
    var marks = current.marks.get(id) || [];
    if (marks.length) {
      html += "<h3>Changed on this day</h3><ul>" + marks.map(function (m) {
        return "<li>" + badge(m.kind, markFlags(m)) + " " + esc(m.text) + "</li>";
      }).join("") + "</ul>";
    }
    html += lineageHtml(id) + holdersHtml(id, r.type) + historyHtml(id);
    panel.innerHTML = html;
  }

  function todayHtml(id, type, s, i) {
    var rows = [];
    if (type === "unit") {
      rows.push(["Under", s.parent ? ref(s.parent) : "— (top)"]);
      (current.postsOf.get(id) || []).forEach(function (post) {
        var p = current.posts.get(post);
        rows.push([p.heads ? "Head" : "Post", ref(post, p.name) + ": " + holdersHtml1(p, i)]);
      });
      (current.functionsOf.get(id) || []).forEach(function (f) { rows.push(["Function", ref(f)]); });
      var kids = [];
      current.units.forEach(function (u, k) { if (u.parent === id) kids.push(k); });
      if (kids.length) rows.push(["Units under it", kids.map(function (k) { return ref(k); }).join(", ")]);
    } else if (type === "post") {
      rows.push(["Unit", s.unit ? ref(s.unit) : "—"]);
      if (s.heads) rows.push(["Heads", "its unit"]);
      rows.push(["Reports to", s.reportsTo ? ref(s.reportsTo) : "—"]);
      rows.push([s.holders.length > 1 ? "Holders" : "Holder", holdersHtml1(s, i)]);
      (current.functionsOf.get(id) || []).forEach(function (f) { rows.push(["Function", ref(f)]); });
    } else if (type === "person") {
      (current.heldBy.get(id) || []).forEach(function (post) {
        var p = current.posts.get(post);
        rows.push(["Holds", ref(post, p.name) + (p.unit ? " in " + ref(p.unit) : "")]);
      });
      if (!(current.heldBy.get(id) || []).length) rows.push(["Holds", "no post"]);
    } else if (type === "function") {
      rows.push(["Owner", s.owner ? ref(s.owner) : "no owner"]);
    }
    if (type === "post" && s.seats !== undefined) {
      rows.push(["Seats", s.holders.length + " held of " + (s.seats === null ? "any number" : s.seats)]);
    }
    if (s.aliases) rows.push(["Also called", esc(s.aliases.join(", "))]);
    [s.attributes, s.identifiers].forEach(function (fields) {
      Object.keys(fields || {}).forEach(function (name) { rows.push([name, esc(fields[name])]); });
    });
    data.relations.forEach(function (rel) {
      if ((rel.source !== id && rel.target !== id) || !runAt(rel.states, i)) return;
      var other = rel.source === id ? rel.target : rel.source;
      rows.push([rel.source === id ? rel.kind : rel.kind + " (from)", ref(other) + esc(flagText(runAt(rel.flags, i) || 0))]);
    });
    return '<table class="today">' + rows.map(function (row) {
      return '<tr><th>' + esc(row[0]) + "</th><td>" + row[1] + "</td></tr>";
    }).join("") + "</table>";
  }
  function holdersHtml1(post, i) {
    if (!post.holders.length) return '<span class="vacant">vacant</span>';
    return post.holders.map(function (h) {
      return ref(h.person, nameOf(h.person, i)) + (h.roles.length ? " (" + esc(h.roles.join(", ")) + ")" : "");
    }).join(", ");
  }

  function lineageHtml(id) {
    var found = data.lineage[id];
    if (!found) return "";
    var item = function (k) {
      var l = data.links[k];
      return "<li>" + ref(l.from, l.fromName) + " → " + ref(l.to, l.toName) + ' <span class="muted">(' +
        esc(l.kind + (l.function ? ": " + l.function : "") + ", " + l.on + (l.planned ? ", planned" : "")) +
        ")</span></li>";
    };
    var html = "<h3>Lineage</h3>";
    if (found.before.length) html += "<h4>Came from</h4><ul>" + found.before.map(item).join("") + "</ul>";
    if (found.after.length) html += "<h4>Led to</h4><ul>" + found.after.map(item).join("") + "</ul>";
    return html;
  }

  /** Who held a post, who headed a unit, what a person held: over the whole period. */
  function holdersHtml(id, type) {
    var facts = data.history[id] || [], lines = [];
    if (type === "post") {
      facts.forEach(function (f) { if (f.attribute === "holder") lines.push([f, ref(f.ref, f.label)]); });
    } else if (type === "person") {
      facts.forEach(function (f) { if (f.attribute === "holds") lines.push([f, ref(f.ref, f.label)]); });
    } else if (type === "unit") {
      facts.forEach(function (f) {
        if (f.attribute !== "head" || !f.ref) return;
        (data.history[f.ref] || []).forEach(function (g) {
          var from = g.from > f.from ? g : f, to = !f.to ? g : !g.to ? f : g.to < f.to ? g : f;
          if (g.attribute === "holder" && (!f.to || g.from < f.to) && (!g.to || g.to > f.from)) {
            lines.push([{ since: from.since, until: to.until, from: from.from, to: to.to },
              ref(g.ref, g.label) + ' <span class="muted">as ' + esc(f.label) + "</span>"]);
          }
        });
      });
    }
    if (!lines.length) return "";
    var title = type === "post" ? "Held by" : type === "person" ? "Posts held" : "Headed by";
    return "<h3>" + title + '</h3><ul class="held">' + lines.map(function (line) {
      return '<li class="' + (holds(line[0], view.date) ? "now" : "") + '"><span class="when">' + factWhen(line[0]) +
        "</span> " + line[1] + "</li>";
    }).join("") + "</ul>";
  }

  function historyHtml(id) {
    var facts = data.history[id] || [];
    if (!facts.length) return setAsideHtml(id);
    return '<h3>History</h3><ol class="history">' + facts.map(function (f) {
      return '<li class="' + (holds(f, view.date) ? "now" : "") + '"><span class="when">' + factWhen(f) + "</span> " +
        '<span class="attr">' + esc(f.attribute) + "</span> " + (f.ref ? ref(f.ref, f.label) : esc(f.label)) +
        (f.planned ? ' <span class="flag">(planned)</span>' : "") + source(f.began) + "</li>";
    }).join("") + "</ol>" + setAsideHtml(id);
  }

  /** Changes kept in the record but never applied (cancelled, or replaced by a correction): not facts. */
  function setAsideHtml(id) {
    var lines = (data.setAside || {})[id] || [];
    if (!lines.length) return "";
    return '<h3>Set aside</h3><p class="muted">Cancelled or replaced: never applied, so not on any day.</p>' +
      '<ul class="set-aside">' + lines.map(function (line) { return "<li>" + esc(line) + "</li>"; }).join("") +
      "</ul>";
  }

  function legendHtml() {
    var rows = style.priority.map(function (k) {
      return "<li>" + badge(k) + " " + esc(style.changes[k].meaning) + "</li>";
    });
    rows.push('<li><span class="badge plain">?</span> uncertain that day: its date is a window around the day (dashed)</li>');
    rows.push('<li><span class="badge plain">(planned)</span> only planned, not decided (dashed, hatched)</li>');
    rows.push('<li><span class="vacant">vacant</span> a post nobody holds</li>');
    return '<h3>Legend</h3><ul class="legend">' + rows.join("") + "</ul>";
  }

  // --- selection and search ----------------------------------------------------------------------
  function select(id, options) {
    options = options || {};
    if (id && !entities[id]) return;
    view.selected = id;
    if (id && options.jump && !stateOf(id, view.index)) {
      var near = nearestIndex(id, view.index);
      if (near !== null) { view.date = days[near]; view.index = near; }
    }
    var unit = id ? boxOf(id, view.index) : null;
    if (unit) reveal(unit);
    render();
    if (unit && options.centre) centreOn(unit);
  }
  /** The slider day nearest to i on which the entity exists. */
  function nearestIndex(id, i) {
    var best = null;
    entities[id].states.forEach(function (run, k, runs) {
      if (!run[1]) return;
      var start = run[0], end = k + 1 < runs.length ? runs[k + 1][0] - 1 : days.length - 1;
      var at = i < start ? start : i > end ? end : i;
      if (best === null || Math.abs(at - i) < Math.abs(best - i)) best = at;
    });
    return best;
  }

  // Every name and spelling an entity ever had, and its id (for whoever knows it by that).
  var searchIndex = Object.keys(entities).map(function (id) {
    var names = entities[id].names.concat([id]);
    return { id: id, names: names, folded: names.map(fold) };
  });
  var TYPE_ORDER = { unit: 0, function: 1, post: 2, person: 3 };

  function search(text) {
    var q = fold(text.trim());
    if (!q) return [];
    var found = [];
    searchIndex.forEach(function (item) {
      var best = 3, name = null;
      item.folded.forEach(function (f, k) {
        var rank = f === q ? 0 : f.indexOf(q) === 0 ? 1 : f.indexOf(q) >= 0 ? 2 : 3;
        if (rank < best) { best = rank; name = item.names[k]; }
      });
      if (best < 3) found.push({ id: item.id, rank: best, name: name });
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || TYPE_ORDER[entities[a.id].type] - TYPE_ORDER[entities[b.id].type] ||
        a.name.localeCompare(b.name);
    });
    return found.slice(0, 30);
  }

  function drawResults() {
    var list = $("results"), found = search($("search").value);
    if (!found.length) { list.hidden = !$("search").value.trim(); list.innerHTML = $("search").value.trim() ? '<li class="none">nothing found</li>' : ""; return; }
    list.innerHTML = found.map(function (f, k) {
      var now = stateOf(f.id, view.index), last = lastState(f.id) || { name: f.name };
      var other = now && now.name !== f.name ? " — now " + now.name : !now && last.name !== f.name ? " — later " + last.name : "";
      return '<li role="option" data-ref="' + esc(f.id) + '"' + (k === 0 ? ' class="active"' : "") + ">" +
        esc(f.name) + '<span class="muted"> ' + esc(entities[f.id].type + other + (now ? "" : " · not on this day")) +
        "</span></li>";
    }).join("");
    list.hidden = false;
  }

  // --- zoom and pan ------------------------------------------------------------------------------
  function applyZoom() {
    var z = view.zoom;
    $("canvas").style.transform = "translate(" + z.x + "px," + z.y + "px) scale(" + z.k + ")";
  }
  function zoomAt(factor, cx, cy) {
    var z = view.zoom, k = Math.max(0.05, Math.min(3, z.k * factor));
    z.x = cx - (cx - z.x) * (k / z.k);
    z.y = cy - (cy - z.y) * (k / z.k);
    z.k = k;
    applyZoom();
  }
  /** The whole chart in view, or (with a floor) as much as stays readable, from the top left. */
  function fit(floor) {
    var vp = $("viewport"), k = Math.min(1, (vp.clientWidth - 32) / bounds.w, (vp.clientHeight - 32) / bounds.h);
    k = Math.max(k, floor || 0.05);
    view.zoom = { k: k, x: Math.max(16, (vp.clientWidth - bounds.w * k) / 2), y: 16 };
    applyZoom();
  }
  function centreOn(unit) {
    var p = places.get(unit), vp = $("viewport"), z = view.zoom;
    if (!p) return;
    if (z.k < 0.7) z.k = 0.9;
    z.x = vp.clientWidth / 2 - (p.x + W / 2) * z.k;
    z.y = vp.clientHeight / 3 - (p.y + p.h / 2) * z.k;
    applyZoom();
  }

  // --- the URL fragment: #day=YYYY-MM-DD&select=ID -------------------------------------------------
  var fragmentTimer = null;
  /** Keep the URL's fragment in step with the view, a moment after it settles (browsers limit how often). */
  function writeFragment() {
    clearTimeout(fragmentTimer);
    fragmentTimer = setTimeout(writeFragmentNow, 150);
  }
  function writeFragmentNow() {
    var parts = ["day=" + encodeURIComponent(view.date)];
    if (view.selected) parts.push("select=" + encodeURIComponent(view.selected));
    var hash = "#" + parts.join("&");
    if (location.hash === hash) return;
    try { history.replaceState(null, "", hash); } catch (e) { lastHash = hash; location.hash = hash; }
  }
  var lastHash = null;
  function readFragment() {
    var found = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq > 0) found[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    });
    if (found.day && /^\d{4}-\d{2}-\d{2}$/.test(found.day)) { view.date = found.day; view.index = floorIndex(found.day); }
    view.selected = found.select && entities[found.select] ? found.select : null;
    current = null;
  }

  // --- wiring ------------------------------------------------------------------------------------
  var playing = null;
  function play(on) {
    if (playing) { clearInterval(playing); playing = null; }
    if (on) {
      if (view.index >= days.length - 1) goToIndex(0);
      playing = setInterval(function () {
        if (view.index >= days.length - 1) { play(false); return; }
        step(1);
      }, 1200);
    }
    $("play").textContent = playing ? "pause" : "play";
    $("play").title = playing ? "pause (space)" : "play (space)";
  }

  function wire() {
    var slider = $("slider");
    slider.max = Math.max(days.length - 1, 0);
    slider.addEventListener("input", function () { goToIndex(+slider.value); });
    $("date").min = days[0] || "";
    $("date").max = days[days.length - 1] || "";
    $("date").addEventListener("change", function () { if ($("date").value) goToDate($("date").value); });
    $("step-back").addEventListener("click", function () { step(-1); });
    $("step-forward").addEventListener("click", function () { step(1); });
    $("first").addEventListener("click", function () { goToIndex(0); });
    $("last").addEventListener("click", function () { goToIndex(days.length - 1); });
    $("play").addEventListener("click", function () { play(!playing); });
    $("show-relations").addEventListener("change", render);
    $("zoom-in").addEventListener("click", function () { zoomAt(1.25, $("viewport").clientWidth / 2, $("viewport").clientHeight / 2); });
    $("zoom-out").addEventListener("click", function () { zoomAt(0.8, $("viewport").clientWidth / 2, $("viewport").clientHeight / 2); });
    $("zoom-fit").addEventListener("click", function () { fit(); });

    var search = $("search"), results = $("results");
    search.addEventListener("input", drawResults);
    search.addEventListener("keydown", function (e) {
      var items = results.querySelectorAll("li[data-ref]"), active = results.querySelector("li.active");
      var k = Array.prototype.indexOf.call(items, active);
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!items.length) return;
        if (active) active.classList.remove("active");
        k = (k + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        items[k].classList.add("active");
        items[k].scrollIntoView({ block: "nearest" });
      } else if (e.key === "Enter" && active) {
        e.preventDefault();
        choose(active.dataset.ref);
      } else if (e.key === "Escape") {
        results.hidden = true;
        search.blur();
      }
    });
    results.addEventListener("mousedown", function (e) {
      var li = e.target.closest("li[data-ref]");
      if (li) { e.preventDefault(); choose(li.dataset.ref); }
    });
    search.addEventListener("blur", function () { results.hidden = true; });
    function choose(id) { results.hidden = true; select(id, { jump: true, centre: true }); }

    document.addEventListener("click", function (e) {
      var fold = e.target.closest("[data-fold]");
      if (fold) {
        var id = fold.dataset.fold;
        if (view.collapsed.has(id)) view.collapsed.delete(id); else view.collapsed.add(id);
        layout();
        render();
        return;
      }
      var r = e.target.closest("[data-ref]");
      if (r && !r.closest("#results")) { e.preventDefault(); select(r.dataset.ref, { jump: true, centre: true }); return; }
      var target = e.target.closest(".box [data-id], .box");
      if (target && $("boxes").contains(target) && !dragged) select(target.dataset.id);
    });

    var vp = $("viewport"), drag = null, dragged = false;
    vp.addEventListener("wheel", function (e) {
      e.preventDefault();
      var rect = vp.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
    }, { passive: false });
    vp.addEventListener("pointerdown", function (e) {
      if (e.button !== 0 || e.target.closest("button")) return;
      drag = { x: e.clientX, y: e.clientY, zx: view.zoom.x, zy: view.zoom.y };
      dragged = false;
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) { dragged = true; vp.classList.add("dragging"); }
      if (dragged) { view.zoom.x = drag.zx + dx; view.zoom.y = drag.zy + dy; applyZoom(); }
    });
    window.addEventListener("pointerup", function () {
      drag = null;
      vp.classList.remove("dragging");
      setTimeout(function () { dragged = false; }, 0);
    });

    document.addEventListener("keydown", function (e) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) && e.target.type !== "range";
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      var handled = true;
      if (e.key === "ArrowRight") step(1);
      else if (e.key === "ArrowLeft") step(-1);
      else if (e.key === "Home") goToIndex(0);
      else if (e.key === "End") goToIndex(days.length - 1);
      else if (e.key === " ") play(!playing);
      else if (e.key === "/") search.focus();
      else if (e.key === "Escape") select(null);
      else if (e.key === "+" || e.key === "=") $("zoom-in").click();
      else if (e.key === "-") $("zoom-out").click();
      else if (e.key === "0") fit();
      else handled = false;
      if (handled) e.preventDefault();
    });
    window.addEventListener("hashchange", function () {
      if (location.hash === lastHash) return;
      readFragment();
      render();
    });
  }

  // --- start ---------------------------------------------------------------------------------------
  var fallback = $("fallback");
  if (fallback) fallback.remove();
  document.body.classList.add("live");
  $("title").textContent = data.title || "Organisation";
  depthCollapse();
  readFragment();
  if (view.selected) { var u = boxOf(view.selected, view.index); if (u) reveal(u); }
  layout();
  wire();
  render();
  fit(0.5);
  if (view.selected && boxOf(view.selected, view.index)) centreOn(boxOf(view.selected, view.index));

  /** For tests and benchmarks: the view, and how long each redraw took (milliseconds). */
  window.orgmodelExplorer = {
    view: view,
    timings: timings,
    parts: parts,
    goToDate: goToDate,
    step: step,
    select: select,
    expandAll: function () { view.collapsed.clear(); layout(); render(); },
    places: function () { var out = {}; places.forEach(function (p, id) { out[id] = [p.x, p.y]; }); return out; },
  };
})();
/*
 * MIT License — Copyright (c) orgmodel maintainers
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
 * documentation files (the "Software"), to deal in the Software without restriction, including without limitation
 * the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
 * permit persons to whom the Software is furnished to do so, subject to the following conditions: The above copyright
 * notice and this permission notice shall be included in all copies or substantial portions of the Software.
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
 * WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
 * COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
 * OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */
