// Small enhancements; every page works without them.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    // upload: list the chosen files, accept files dropped on the box
    var input = document.getElementById("files");
    var chosen = document.getElementById("chosen");
    var drop = document.getElementById("drop");
    function show() {
      if (!input || !chosen) return;
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      chosen.textContent = names.length ? "已选择 " + names.length + " 个文件：" + names.slice(0, 8).join("、") + (names.length > 8 ? "……" : "") : "";
    }
    if (input) input.addEventListener("change", show);
    if (drop && input) {
      ["dragenter", "dragover"].forEach(function (ev) {
        drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (ev) {
        drop.addEventListener(ev, function () { drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", function (e) {
        e.preventDefault();
        if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
      });
    }
    // report: mark the cell whose source is shown
    document.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a.num") : null;
      if (!a) return;
      document.querySelectorAll("td.sel").forEach(function (td) { td.classList.remove("sel"); });
      var td = a.closest("td");
      if (td) td.classList.add("sel");
    });
  });
})();
