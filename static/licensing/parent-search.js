// 【选择】上级企业: fuzzy search by name as the user types; the matches fill a datalist.
(function () {
  var script = document.currentScript;
  var url = script && script.dataset.url;
  var input = document.getElementById("id_parent_search");
  var list = document.getElementById("parent-options");
  if (!url || !input || !list) return;
  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (input.value.trim().length < 2) return;
      fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { list.innerHTML = html; });
    }, 250);
  });
})();
