// The order chat: new messages appear without a reload (polls the fragment every 3 seconds).
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  if (!log) return;
  function tick() {
    var after = log.getAttribute("data-last-id") || "0";
    fetch(log.getAttribute("data-poll") + "?after=" + encodeURIComponent(after), {credentials: "same-origin"})
      .then(function (r) {
        var last = r.headers.get("X-Last-Id");
        return r.text().then(function (html) { return {html: html, last: last}; });
      })
      .then(function (res) {
        if (res.last) {
          log.insertAdjacentHTML("beforeend", res.html);
          log.setAttribute("data-last-id", res.last);
          log.lastElementChild && log.lastElementChild.scrollIntoView({block: "end"});
        }
      })
      .catch(function () {})
      .finally(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 3000);
})();
