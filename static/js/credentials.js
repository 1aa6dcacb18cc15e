/*
 * The credentials formset of the application and expert profile pages
 * (templates/experts/_credentials_formset.html), enhanced.
 *
 * Without this file the formset works as it is: two empty rows, and two more
 * each time the member saves and comes back. With it, an "Add another
 * credential" button copies the last row, empties the copy, gives its fields
 * the next form number and counts it in the management form's TOTAL_FORMS, so
 * Django reads it like any other row. An empty added row is ignored by the
 * formset, as the empty rows from the server are. Focus moves to the new
 * row's first field; the button is disabled at the formset's maximum.
 */
(function () {
  "use strict";

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function enhance(formset) {
    var prefix = formset.getAttribute("data-credentials") || "credentials";
    var total = formset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var maximum = formset.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var list = formset.querySelector(".credential-rows");
    if (!total || !list || !list.querySelector("[data-credential-row]")) {
      return;
    }
    // "credentials-3-title", "id_credentials-3-title", "id_credentials-3-title_helptext".
    var numbered = new RegExp("(^|[\\s_])" + escapeRegExp(prefix) + "-\\d+-", "g");
    var limit = maximum ? parseInt(maximum.value, 10) : NaN;

    function rows() {
      return list.querySelectorAll("[data-credential-row]");
    }

    // The page may come back from the history with the count of an earlier
    // visit; the rows on the page are the truth.
    total.value = String(rows().length);

    var more = formset.querySelector("[data-credentials-more]");
    if (more) {
      more.hidden = true;
    }

    var actions = document.createElement("div");
    actions.className = "credentials-add";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-secondary btn-sm";
    button.textContent = "Add another credential";
    var status = document.createElement("p");
    status.className = "field-help";
    status.setAttribute("role", "status");
    actions.appendChild(button);
    actions.appendChild(status);
    list.parentNode.insertBefore(actions, list.nextSibling);

    function atLimit() {
      return !isNaN(limit) && parseInt(total.value, 10) >= limit;
    }

    function refresh() {
      if (atLimit()) {
        button.disabled = true;
        status.textContent = "A profile lists at most " + limit + " credentials.";
      }
    }

    function renumber(row, index) {
      var replacement = "$1" + prefix + "-" + index + "-";
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        row.querySelectorAll("[" + attribute + "]").forEach(function (element) {
          element.setAttribute(attribute, element.getAttribute(attribute).replace(numbered, replacement));
        });
      });
    }

    function empty(row) {
      // What belonged to the copied row only: its errors, badge and delete box.
      row.querySelectorAll(".errorlist, .alert, .badge, .credential-delete").forEach(function (element) {
        element.remove();
      });
      row.classList.remove("credential-row-invalid");
      row.querySelectorAll(".field-invalid").forEach(function (field) {
        field.classList.remove("field-invalid");
      });
      row.querySelectorAll("[aria-invalid]").forEach(function (element) {
        element.removeAttribute("aria-invalid");
      });
      row.querySelectorAll("input, select, textarea").forEach(function (control) {
        if (control.tagName === "SELECT") {
          Array.prototype.forEach.call(control.options, function (option) {
            option.selected = false;
            option.defaultSelected = false;
          });
          control.selectedIndex = 0;
        } else if (control.type === "checkbox" || control.type === "radio") {
          control.checked = false;
          control.defaultChecked = false;
        } else if (control.type === "hidden") {
          // The row's own id goes; the link to the profile stays.
          if (/-id$/.test(control.name)) {
            control.value = "";
            control.defaultValue = "";
          }
        } else {
          control.value = "";
          control.defaultValue = "";
        }
      });
      // Point only at help texts that are still there.
      row.querySelectorAll("[aria-describedby]").forEach(function (element) {
        var kept = element
          .getAttribute("aria-describedby")
          .split(/\s+/)
          .filter(function (id) {
            return id && row.querySelector("[id='" + id + "']");
          });
        if (kept.length) {
          element.setAttribute("aria-describedby", kept.join(" "));
        } else {
          element.removeAttribute("aria-describedby");
        }
      });
    }

    button.addEventListener("click", function () {
      if (atLimit()) {
        refresh();
        return;
      }
      var all = rows();
      var index = all.length;
      var row = all[all.length - 1].cloneNode(true);
      empty(row);
      renumber(row, index);
      var number = row.querySelector("[data-credential-number]");
      if (number) {
        number.textContent = "Credential " + (index + 1);
      }
      list.appendChild(row);
      total.value = String(index + 1);
      status.textContent = "Credential " + (index + 1) + " added.";
      var first = row.querySelector("select, textarea, input:not([type='hidden'])");
      if (first) {
        first.focus();
      }
      refresh();
    });

    refresh();
  }

  function init() {
    document.querySelectorAll("[data-credentials]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
