// Explorable figures (lstm_figures.exploring): a readout for every cell of a figure.
// Each .lf-explore holds the image, an overlay of focusable cells and, as JSON, what the
// readout shows for each cell, computed at build time from the real trace. This script
// only shows it: hover, tap or focus a cell (Tab, then the arrow keys); hover or focus a
// tensor name to highlight every cell it holds. Text goes in as text nodes, never markup.
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function centre(cell) {
    var box = cell.getBoundingClientRect();
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }

  // The nearest cell in the arrow's direction (a little sideways costs more than far ahead).
  function neighbour(cells, from, key) {
    var a = centre(from);
    var best = null;
    var bestScore = Infinity;
    cells.forEach(function (cell) {
      if (cell === from) {
        return;
      }
      var b = centre(cell);
      var dx = b.x - a.x;
      var dy = b.y - a.y;
      var along = { ArrowRight: dx, ArrowLeft: -dx, ArrowDown: dy, ArrowUp: -dy }[key];
      var across = key === "ArrowRight" || key === "ArrowLeft" ? dy : dx;
      if (along < 1) {
        return;
      }
      var score = along + 3 * Math.abs(across);
      if (score < bestScore) {
        bestScore = score;
        best = cell;
      }
    });
    return best;
  }

  function render(entry) {
    var parts = [element("p", "lf-readout-title", entry.title)];
    entry.groups.forEach(function (group) {
      parts.push(element("p", "lf-readout-heading", group.heading));
      var list = element("ul", "lf-readout-codes");
      group.codes.forEach(function (code) {
        var item = element("li");
        var codeNode = element("code", "lf-expression", code);
        if (group.sample !== null) {
          codeNode.setAttribute("data-sample", String(group.sample));
        }
        item.appendChild(codeNode);
        list.appendChild(item);
      });
      parts.push(list);
    });
    entry.notes.forEach(function (note) {
      parts.push(element("p", "lf-readout-note", note));
    });
    parts.push(element("p", "lf-readout-values", entry.values));
    return parts;
  }

  function setup(root) {
    if (root.getAttribute("data-lf-ready") === "true") {
      return;
    }
    root.setAttribute("data-lf-ready", "true");
    var data = JSON.parse(root.querySelector("script.lf-readouts").textContent);
    var layer = root.querySelector(".lf-cells");
    var panel = root.querySelector(".lf-explore-panel");
    var readout = root.querySelector(".lf-readout");
    var cells = Array.prototype.slice.call(root.querySelectorAll(".lf-cell"));
    var current = null;
    layer.hidden = false;
    panel.hidden = false;

    function show(cell) {
      var entry = data[cell.getAttribute("data-key")];
      if (!entry || cell === current) {
        return;
      }
      if (current) {
        current.classList.remove("lf-current");
      }
      current = cell;
      cell.classList.add("lf-current");
      readout.replaceChildren.apply(readout, render(entry));
    }

    cells.forEach(function (cell) {
      cell.addEventListener("mouseenter", function () {
        show(cell);
      });
      cell.addEventListener("focus", function () {
        show(cell);
      });
      cell.addEventListener("click", function () {
        cell.focus();
      });
      cell.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          show(cell);
          return;
        }
        if (["ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown"].indexOf(event.key) < 0) {
          return;
        }
        event.preventDefault();
        var next = neighbour(cells, cell, event.key);
        if (next) {
          next.focus();
        }
      });
    });

    function highlight(name) {
      cells.forEach(function (cell) {
        var entry = data[cell.getAttribute("data-key")];
        var held = name !== null && entry && entry.tensors.indexOf(name) >= 0;
        cell.classList.toggle("lf-highlight", Boolean(held));
      });
    }

    root.querySelectorAll(".lf-tensor").forEach(function (button) {
      var name = button.getAttribute("data-tensor");
      ["mouseenter", "focus"].forEach(function (type) {
        button.addEventListener(type, function () {
          highlight(name);
        });
      });
      ["mouseleave", "blur"].forEach(function (type) {
        button.addEventListener(type, function () {
          highlight(null);
        });
      });
    });
  }

  function setupAll() {
    document.querySelectorAll(".lf-explore").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
