/*
 * Forms that pick a category and then one of its experts (the ask form, and
 * "Ask someone else" on a thread: form[data-expert-picker]), enhanced.
 * Without this file they work as they are: the "Show experts for this
 * category" button posts the form (its action=preview or refresh) and the
 * page comes back with the experts of the chosen category.
 *
 * With it, that button is hidden and changing the category refreshes the
 * expert list in place: the same POST is sent in the background and only the
 * <option>s of the expert select, and the note on who is away, are taken
 * from the answer, so nothing typed is lost, focus stays where it is and no
 * "required" errors appear for fields not filled in yet. If that fails for
 * any reason, the button is pressed instead, which is exactly what a visitor
 * without JavaScript does.
 */
(function () {
  "use strict";

  function init() {
    var form = document.querySelector("form[data-expert-picker]");
    if (!form) {
      return;
    }
    var category = form.elements.namedItem("category");
    var expert = form.elements.namedItem("expert");
    var refresh = form.querySelector("[data-category-refresh]");
    var button = refresh && refresh.querySelector("button[name='action']");
    var status = form.querySelector("[data-expert-status]");
    var away = form.querySelector("[data-away-experts]");
    if (!category || !expert || !button || typeof window.fetch !== "function") {
      return;
    }

    refresh.hidden = true;
    button.hidden = true;

    var pending = null;
    var latest = 0;

    function fallback() {
      // The no-JavaScript path: post the form with the hidden button.
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(button);
      } else {
        button.click();
      }
    }

    function announce(select) {
      if (!status) {
        return;
      }
      var available = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value && !option.disabled) {
          available += 1;
        }
      });
      var name = category.selectedIndex > 0 ? category.options[category.selectedIndex].text.trim() : "";
      if (!name) {
        status.textContent = "Choose a category to see its experts.";
      } else if (available === 0) {
        status.textContent = "No expert of " + name + " can take a question right now.";
      } else {
        status.textContent = "Expert list updated: " + available + " expert" + (available === 1 ? "" : "s") + " of " + name + " can take your question.";
      }
    }

    function replaceOptions(fresh) {
      var chosen = expert.value;
      var fragment = document.createDocumentFragment();
      Array.prototype.forEach.call(fresh.options, function (option) {
        fragment.appendChild(document.importNode(option, true));
      });
      expert.replaceChildren(fragment);
      // Keep the expert already chosen when they are still in the list.
      if (chosen) {
        var again = Array.prototype.find.call(expert.options, function (option) {
          return option.value === chosen && !option.disabled;
        });
        if (again) {
          expert.value = chosen;
        }
      }
      announce(expert);
    }

    category.addEventListener("change", function () {
      var request = (latest += 1);
      if (pending) {
        pending.abort();
      }
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var data = new FormData(form);
      data.set("action", button.value);
      expert.setAttribute("aria-busy", "true");

      // Not form.action: the buttons named "action" shadow that property.
      fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        signal: pending ? pending.signal : undefined,
      })
        .then(function (response) {
          // A 429 (rate limit) page still carries the form; anything else is a failure.
          if (!response.ok && response.status !== 429) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          if (request !== latest) {
            return;
          }
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("form[data-expert-picker] select[name='expert']");
          if (!fresh) {
            throw new Error("no expert list in the answer");
          }
          replaceOptions(fresh);
          var freshAway = page.querySelector("form[data-expert-picker] [data-away-experts]");
          if (away && freshAway) {
            away.textContent = freshAway.textContent;
            away.hidden = freshAway.hidden;
          }
          expert.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          if (request === latest) {
            expert.removeAttribute("aria-busy");
            fallback();
          }
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
