// Similar questions while asking: after the title is typed, ask the server for
// public answered questions like it and show them beside the form. Without
// JavaScript the same list appears when the asker presses Preview.
(function () {
  "use strict";
  var box = document.querySelector("[data-similar-questions]");
  var title = document.querySelector("form[data-ask-form] input[name='title']");
  if (!box || !title || !window.fetch) {
    return;
  }
  var timer = null;
  var last = title.value.trim();

  function refresh() {
    var text = title.value.trim();
    if (text === last) {
      return;
    }
    last = text;
    if (text.length < 3) {
      box.innerHTML = "";
      return;
    }
    var url = box.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(text);
    fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        // The fragment is rendered by our own template with escaped values.
        if (text === last) {
          box.innerHTML = html;
        }
      })
      .catch(function () {});
  }

  title.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
  title.addEventListener("change", refresh);
})();
