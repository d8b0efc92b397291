// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // "发送验证码" buttons: after a send, count down the seconds the server says to wait.
  function startCountdown(button, seconds) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.disabled = true;
    var left = seconds;
    var tick = function () {
      if (left <= 0) { button.disabled = false; button.textContent = label; return; }
      button.textContent = (button.dataset.countdownText || "{s}s").replace("{s}", left);
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var holder = event.target.querySelector && event.target.querySelector("[data-retry-after]");
    if (!holder) return;
    var button = document.getElementById(holder.dataset.button);
    var seconds = parseInt(holder.dataset.retryAfter, 10);
    if (button && seconds > 0) startCountdown(button, seconds);
  });

  // Forms marked data-once can be submitted once: a double click sends one request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) return;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
  });
})();
