/* graphsvc account map: draws the page's data island with vis-network; gap and path highlighting.
 * Every stored text (names, titles, roles) is shown with textContent, never parsed as HTML.
 * When drawn: document.body.dataset.ready = "true" and window.graphsvcMap = {network, nodes, edges,
 * highlighted: {nodes, edges}, highlight(nodeIds, edgeIds), clear()}. */
(function () {
  "use strict";

  var EDGE_TOOLTIP_LIMIT = 5000;
  var HIGHLIGHT = "#ff8c00";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var container = document.getElementById("map");
  var status = document.getElementById("map-status");
  var names = {};
  data.nodes.forEach(function (n) { names[n.id] = n.info.name; });

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function row(dl, label, value) {
    if (value === undefined || value === null || value === "") { return; }
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", null, value));
  }

  function fixed(x) { return x === null || x === undefined ? null : Number(x).toFixed(2); }

  function nodeTooltip(node) {
    var info = node.info;
    var box = el("div", "map-tip");
    box.appendChild(el("strong", "tip-name", info.name));
    var marks = [];
    if (info.decision) { marks.push("decision node"); }
    if (info.key) { marks.push("key stakeholder"); }
    box.appendChild(el("div", "tip-kind", info.kind + (marks.length ? " \u00b7 " + marks.join(", ") : "")));
    var dl = el("dl", "tip-facts");
    info.details.forEach(function (d) { row(dl, d[0], d[1]); });
    row(dl, "Account", info.account);
    row(dl, "Roles", info.roles.join(", "));
    row(dl, "Attitude", info.attitude);
    row(dl, "Power", fixed(info.power));
    row(dl, "Leverage", fixed(info.leverage));
    row(dl, "Assigned", info.assigned);
    if (info.kind !== "member" && info.kind !== "site") {
      row(dl, "Coverage", info.cover === "covered" ? "covered" : info.cover === "stale" ? "covered, stale" : "not covered");
      row(dl, "Last contact", info.lastContact || "never");
    }
    box.appendChild(dl);
    if (info.covers.length) {
      box.appendChild(el("div", "tip-sub", "Covered by"));
      var ul = el("ul", "tip-covers");
      info.covers.forEach(function (c) {
        var text = c.memberName + ": strength " + fixed(c.strength) + ", last contact " + (c.lastContact || "never") +
          (c.stale ? " (stale)" : "");
        ul.appendChild(el("li", c.stale ? "stale" : null, text));
      });
      box.appendChild(ul);
    }
    return box;
  }

  function edgeTooltip(edge) {
    var info = edge.info || {};
    var box = el("div", "map-tip");
    var label = edge.type === "AT_SITE" ? "works at" : edge.type;
    box.appendChild(el("strong", "tip-name", names[edge.from] + " \u2192 " + names[edge.to]));
    box.appendChild(el("div", "tip-kind", label));
    var dl = el("dl", "tip-facts");
    if (edge.type !== "AT_SITE") { row(dl, info.inverse ? "Weight (against the relation)" : "Weight", fixed(edge.weight)); }
    if (info.reverseWeight !== null && info.reverseWeight !== undefined) {
      row(dl, edge.type === "REPORTS_TO" ? "Manager's pull down" : "Weight back", fixed(info.reverseWeight));
    }
    row(dl, "Kind", info.kind);
    row(dl, "Role", info.role);
    if (edge.type === "COVERS") {
      row(dl, "Last contact", info.lastContact || "never");
      row(dl, "Fresh", info.stale ? "no (stale)" : "yes");
    }
    box.appendChild(dl);
    return box;
  }

  var withEdgeTips = data.edges.length <= EDGE_TOOLTIP_LIMIT;
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.title = nodeTooltip(n);
    return copy;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var copy = Object.assign({}, e);
    if (withEdgeTips) { copy.title = edgeTooltip(e); }
    return copy;
  }));
  var base = { nodes: {}, edges: {} };
  data.nodes.forEach(function (n) { base.nodes[n.id] = { borderWidth: n.borderWidth }; });
  data.edges.forEach(function (e) { base.edges[e.id] = { width: e.width, color: e.color.color }; });

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var api = { network: network, nodes: nodes, edges: edges, highlighted: { nodes: [], edges: [] } };

  /* Dimming goes through the global options (one call, whatever the size of the map); only the nodes and
   * edges ever highlighted carry their own opacity, and each call sets it again on all of them. */
  var touched = { nodes: {}, edges: {} };

  function highlight(nodeIds, edgeIds) {
    var on = {};
    var onEdges = {};
    (nodeIds || []).forEach(function (id) { if (base.nodes[id]) { on[id] = true; touched.nodes[id] = true; } });
    (edgeIds || []).forEach(function (id) { if (base.edges[id]) { onEdges[id] = true; touched.edges[id] = true; } });
    var any = Object.keys(on).length + Object.keys(onEdges).length > 0;
    var dimNodes = any ? 0.2 : 1;
    var dimEdges = any ? 0.12 : 1;
    network.setOptions({ nodes: { opacity: dimNodes }, edges: { color: { opacity: dimEdges } } });
    nodes.update(Object.keys(touched.nodes).map(function (id) {
      var lit = on[id] === true;
      return {
        id: id,
        opacity: lit ? 1 : dimNodes,
        borderWidth: base.nodes[id].borderWidth + (lit ? 4 : 0),
        shadow: lit ? { enabled: true, color: HIGHLIGHT, size: 22, x: 0, y: 0 } : { enabled: false }
      };
    }));
    edges.update(Object.keys(touched.edges).map(function (id) {
      var lit = onEdges[id] === true;
      return {
        id: id,
        width: base.edges[id].width + (lit ? 3 : 0),
        color: { color: lit ? HIGHLIGHT : base.edges[id].color, opacity: lit ? 1 : dimEdges }
      };
    }));
    api.highlighted = { nodes: Object.keys(on), edges: Object.keys(onEdges) };
    document.body.dataset.highlighted = String(api.highlighted.nodes.length);
    if (api.highlighted.nodes.length) {
      network.fit({ nodes: api.highlighted.nodes, animation: false, maxZoomLevel: 1.2 });
    }
  }

  function markCurrent(item) {
    document.querySelectorAll("li.gap, li.path").forEach(function (li) { li.removeAttribute("aria-current"); });
    if (item) { item.setAttribute("aria-current", "true"); }
  }

  function clear() {
    highlight([], []);
    markCurrent(null);
  }

  api.highlight = highlight;
  api.clear = clear;

  function pathNodes(details) {
    var ids = [];
    details.forEach(function (p) { ids = ids.concat(p.nodes); });
    return ids;
  }

  function pathEdges(details) {
    var ids = [];
    details.forEach(function (p) { ids = ids.concat(p.edges); });
    return ids;
  }

  document.querySelectorAll("li.gap").forEach(function (li) {
    li.querySelector("button").addEventListener("click", function () {
      var gap = data.gaps[Number(li.dataset.index)];
      highlight([gap.subject].concat(gap.path || []), gap.edges);
      markCurrent(li);
    });
  });
  document.querySelectorAll("li.path").forEach(function (li) {
    li.querySelector("button").addEventListener("click", function () {
      var p = data.pathDetails[Number(li.dataset.index)];
      highlight(p.nodes, p.edges);
      markCurrent(li);
    });
  });
  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var id = params.nodes[0];
    highlight([id].concat(network.getConnectedNodes(id)), network.getConnectedEdges(id));
    markCurrent(null);
  });
  var clearButton = document.getElementById("clear-highlight");
  if (clearButton) { clearButton.addEventListener("click", clear); }

  var done = false;
  function ready() {
    if (done) { return; }
    done = true;
    network.setOptions({ physics: { enabled: false } });
    if (data.pathDetails.length) {
      highlight(pathNodes(data.pathDetails), pathEdges(data.pathDetails));
    }
    status.textContent = data.nodes.length + " nodes, " + data.edges.length + " edges" +
      (data.edgesLeftOut ? " (" + data.edgesLeftOut + " weaker influence edges left out on this large map). " : ". ") +
      (data.nodes.length ? "Drag to move, scroll to zoom, hover for details." : "Nothing on this map yet.");
    window.graphsvcMap = api;
    document.body.dataset.ready = "true";
  }

  var physics = data.options.physics && data.options.physics.enabled;
  if (physics && data.nodes.length) {
    network.once("stabilizationIterationsDone", ready);
    network.on("stabilizationProgress", function (p) {
      status.textContent = "Laying out the map: " + Math.round(100 * p.iterations / p.total) + " %";
    });
  } else {
    network.once("afterDrawing", ready);
    if (!data.nodes.length) { ready(); }
  }
  window.setTimeout(ready, 20000);
}());
