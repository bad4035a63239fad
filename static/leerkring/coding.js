// The coding page, for a mouse: selecting words in a part of the text fills the form's
// hidden start and end, so the researcher need not tick sentences. Without this script the
// sentence checkboxes do the same (and they stay the way for the keyboard).
//
// Offsets are Unicode code points of the text as shown (the page adds no characters to it),
// the unit the server stores. JavaScript strings count UTF-16 units, so an emoji would count
// twice: Array.from() splits a string into code points.
(function () {
  "use strict";
  var form = document.getElementById("coding-form");
  if (!form) return;
  var start = form.querySelector("input[name=start]");
  var end = form.querySelector("input[name=end]");
  var status = document.getElementById("selection-status");
  var hint = document.querySelector(".coding-js-hint");
  if (hint) hint.hidden = false;

  function codePoints(text) {
    return Array.from(text).length;
  }

  // The offset of (node, offset) from the start of the container, in code points.
  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function containerOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".coded__text[data-codeable]") : null;
  }

  function say(message) {
    if (status) status.textContent = message;
  }

  function clearSelection() {
    start.value = "";
    end.value = "";
  }

  function chooseField(name) {
    var radio = form.querySelector('input[name=field][value="' + name + '"]');
    if (radio) radio.checked = true;
  }

  // What was last taken, so a selection that merely lingers is not taken again after the
  // researcher ticked sentences instead.
  var lastTaken = "";

  function takeSelection(again) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    var container = containerOf(range.startContainer);
    if (!container) return;
    if (container !== containerOf(range.endContainer)) {
      say(form.dataset.oneField || "A passage lies in one part of the reflection.");
      return;
    }
    var text = Array.from(container.textContent);
    var from = offsetIn(container, range.startContainer, range.startOffset);
    var to = offsetIn(container, range.endContainer, range.endOffset);
    // Spaces and line breaks at the edges are not part of the passage.
    while (from < to && /\s/.test(text[from])) from += 1;
    while (to > from && /\s/.test(text[to - 1])) to -= 1;
    if (from >= to) return;
    var taken = container.dataset.field + ":" + from + ":" + to;
    if (taken === lastTaken && !again) return;
    lastTaken = taken;
    start.value = String(from);
    end.value = String(to);
    chooseField(container.dataset.field);
    form.querySelectorAll('input[type=checkbox][name^="sentences_"]').forEach(function (box) {
      box.checked = false;
    });
    var quote = text.slice(from, to).join("");
    if (quote.length > 120) quote = quote.slice(0, 117) + "…";
    say((form.dataset.selected || "Selected:") + " “" + quote + "”");
  }

  document.addEventListener("mouseup", function (event) {
    if (containerOf(event.target)) {
      window.setTimeout(function () {
        takeSelection(true);
      }, 0);
    }
  });
  // Selections made otherwise (a touch screen's handles, Shift + arrows in caret browsing)
  // are taken once they have stopped changing.
  var settling = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(settling);
    settling = window.setTimeout(function () {
      takeSelection(false);
    }, 500);
  });

  // Back with an error: say which words the kept offsets stand for.
  var checked = form.querySelector("input[name=field]:checked");
  if (start.value && end.value && checked && checked.value) {
    var box = document.querySelector('.coded__text[data-codeable][data-field="' + checked.value + '"]');
    if (box) {
      var kept = Array.from(box.textContent).slice(Number(start.value), Number(end.value)).join("");
      if (kept) say((form.dataset.selected || "Selected:") + " “" + kept + "”");
    }
  }

  // Ticking a sentence, or choosing another part, replaces a mouse selection.
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name && target.name.indexOf("sentences_") === 0) {
      clearSelection();
      say("");
    } else if (target.name === "field") {
      clearSelection();
      say("");
    }
  });
})();
