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
 *
 * The ask form's guidance note follows the category select too (initGuidance).
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

  /*
   * The ask form sent back with errors (it is checked on the server only):
   * an error beside a field is updated as the member fixes that field, so
   * "This field is required." does not stay beside a filled-in field. A field
   * shown with an error is checked again on every change: emptied, the error
   * comes back; too short, it says so; otherwise it is cleared, and the
   * server has the last word when the form is sent.
   */
  var REQUIRED = "This field is required.";

  function problem(control, wrapper) {
    var required = !!wrapper.querySelector(".field-label .field-required");
    if (control.type === "radio") {
      var form = control.form;
      var chosen = form && form.querySelector("input[name='" + control.name + "']:checked");
      return required && !chosen ? REQUIRED : "";
    }
    var value = control.value.trim();
    if (!value) {
      return required ? REQUIRED : "";
    }
    var min = parseInt(control.getAttribute("minlength"), 10);
    if (min && value.length < min) {
      return "Ensure this value has at least " + min + " characters (it has " + value.length + ").";
    }
    return "";
  }

  function describedBy(control, id, present) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (each) {
      return each && each !== id;
    });
    if (present) {
      ids.push(id);
    }
    if (ids.length) {
      control.setAttribute("aria-describedby", ids.join(" "));
    } else {
      control.removeAttribute("aria-describedby");
    }
  }

  function show(wrapper, control, message) {
    var group = control.type === "radio" ? wrapper : control;
    var list = wrapper.querySelector(".errorlist");
    var id = (control.type === "radio" ? control.name && "id_" + control.name : control.id) + "_error";
    if (message) {
      if (!list) {
        list = document.createElement("ul");
        list.className = "errorlist";
        list.id = id;
        var widget = control.type === "radio" ? wrapper.querySelector(".field-help") : null;
        var before = control.closest(".markdownx") || (widget ? widget.nextSibling : control);
        before.parentNode.insertBefore(list, before);
      }
      if (list.textContent !== message) {
        list.replaceChildren(document.createElement("li"));
        list.firstChild.textContent = message;
      }
      wrapper.classList.add("field-invalid");
      group.setAttribute("aria-invalid", "true");
      describedBy(group, list.id, true);
    } else {
      if (list) {
        describedBy(group, list.id, false);
        list.remove();
      }
      wrapper.classList.remove("field-invalid");
      group.removeAttribute("aria-invalid");
      wrapper.querySelectorAll("[aria-invalid]").forEach(function (each) {
        each.removeAttribute("aria-invalid");
      });
    }
  }

  function initErrors() {
    var form = document.querySelector("form[data-ask-form]");
    if (!form) {
      return;
    }
    form.querySelectorAll(".field-invalid").forEach(function (wrapper) {
      wrapper.setAttribute("data-recheck", "");
    });
    function recheck(event) {
      var control = event.target;
      var wrapper = control.closest && control.closest(".field");
      if (!wrapper || !wrapper.hasAttribute("data-recheck") || !control.name) {
        return;
      }
      show(wrapper, control, problem(control, wrapper));
    }
    form.addEventListener("input", recheck);
    form.addEventListener("change", recheck);
  }

  /*
   * The chosen category's guidance and disclaimer, shown before the question
   * is written. The server renders it for the category chosen when the page
   * was made; here it follows the category select, from the JSON data the
   * page carries ({"texts": [...], "of": {category id: index into texts}}).
   */
  function initGuidance() {
    var form = document.querySelector("form[data-ask-form]");
    var data = document.getElementById("category-guidance-data");
    var box = form && form.querySelector("[data-category-guidance]");
    var category = form && form.elements.namedItem("category");
    if (!data || !box || !category) {
      return;
    }
    var note = box.querySelector(".guidance-note");
    var text = note && note.querySelector(".guidance-text");
    var guidance;
    try {
      guidance = JSON.parse(data.textContent);
    } catch (error) {
      return;
    }
    if (!note || !text || !guidance || !guidance.of || !guidance.texts) {
      return;
    }
    category.addEventListener("change", function () {
      var index = Object.prototype.hasOwnProperty.call(guidance.of, category.value)
        ? guidance.of[category.value]
        : null;
      var found = index === null ? "" : guidance.texts[index] || "";
      if (text.textContent !== found) {
        text.textContent = found;
      }
      note.hidden = !found;
    });
  }

  function start() {
    init();
    initErrors();
    initGuidance();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
