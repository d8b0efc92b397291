// The signing pad of templates/signing/signature_field.html (signature_pad 5). The drawn
// signature travels as a PNG data URL in the hidden input; the server checks it.
(function () {
  "use strict";

  function setUp(root) {
    if (root.dataset.ready || typeof window.SignaturePad === "undefined") return;
    root.dataset.ready = "1";
    var canvas = root.querySelector("canvas");
    var input = root.querySelector("[data-signature-input]");
    var status = root.querySelector("[data-signature-status]");
    var pad = new window.SignaturePad(canvas, { penColor: "#111", minWidth: 0.8, maxWidth: 2.8 });

    function sync() {
      var empty = pad.isEmpty();
      input.value = empty ? "" : pad.toDataURL("image/png");
      status.textContent = empty ? root.dataset.emptyText : root.dataset.signedText;
    }

    // The canvas is drawn at the screen's pixel density so strokes are sharp on phones; the
    // strokes are kept across a resize (turning the phone).
    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.redraw();
    }
    resize();
    var width = canvas.offsetWidth;
    window.addEventListener("resize", function () {
      if (canvas.offsetWidth !== width) { width = canvas.offsetWidth; resize(); sync(); }
    });

    // A signature sent back with another field's error is shown again, not lost.
    if (input.value.indexOf("data:image/png;base64,") === 0) {
      pad.fromDataURL(input.value, { width: canvas.offsetWidth, height: canvas.offsetHeight }).then(function () {
        status.textContent = root.dataset.signedText;
      });
    }

    pad.addEventListener("endStroke", function () {
      sync();
      // The server's "请先签名" no longer applies once there is ink on the pad.
      var field = root.closest(".field");
      if (field) {
        field.classList.remove("has-error");
        field.querySelectorAll(".errorlist").forEach(function (list) { list.hidden = true; });
      }
    });
    root.querySelector("[data-signature-clear]").addEventListener("click", function () {
      pad.clear();
      sync();
    });
    var form = root.closest("form");
    if (form) form.addEventListener("submit", function () { if (!pad.isEmpty()) sync(); });
  }

  function setUpAll(scope) {
    (scope || document).querySelectorAll("[data-signature-field]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  else setUpAll();
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
