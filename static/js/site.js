/*
 * Progressive enhancement only: every page works without this file.
 *
 * - Alerts marked data-dismissible get a working close button.
 * - Disclosure menus marked data-menu close on Escape and on a click outside,
 *   as people expect a menu to; without JavaScript they close on a second
 *   click of their summary.
 * - Markdown editors (django-markdownx: a textarea plus a .markdownx-preview
 *   that its script fills): the preview is named "Preview" for assistive
 *   technology and hidden while there is nothing to show, and Tab leaves the
 *   text area as everywhere else instead of typing a tab character (the
 *   widget's own Tab handling traps keyboard users in the field).
 * - On a thread page sent back with errors (a follow-up, rating or answer
 *   form far down the page), or an expert application or profile form (the
 *   credentials at its foot), the first invalid field is brought into view and
 *   focused, its <details> opened, so the error is not missed at the top.
 * - Small tools that open in place (details.action-disclosure: "Flag",
 *   "Moderate", "Hide with a reason") scroll their panel into view when
 *   opened near the bottom of the screen, and close on Escape, giving focus
 *   back to their summary. Unlike menus they stay open on a click outside:
 *   they hold forms being filled in.
 * - A moderator's canned reasons (select[data-canned-reason]): picking one
 *   copies it into the reason's text box, to be reworded there; the picker
 *   goes back to empty so the text alone is sent.
 */
(function () {
  "use strict";

  function enhanceAlerts(root) {
    root.querySelectorAll("[data-dismissible]").forEach(function (alert) {
      var button = alert.querySelector(".alert-close");
      if (!button) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var hadFocus = alert.contains(document.activeElement);
        var container = alert.parentElement;
        alert.remove();
        if (container && container.classList.contains("messages") && !container.children.length) {
          container.remove();
        }
        // Keep keyboard focus on the page rather than losing it with the alert.
        var main = document.getElementById("main");
        if (hadFocus && main) {
          main.setAttribute("tabindex", "-1");
          main.focus({ preventScroll: true });
        }
      });
    });
  }

  function enhanceMenus() {
    var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-menu]"));
    if (!menus.length) {
      return;
    }
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      menus.forEach(function (menu) {
        if (menu.open) {
          menu.open = false;
          var summary = menu.querySelector("summary");
          if (summary && menu.contains(document.activeElement)) {
            summary.focus();
          }
        }
      });
    });
  }

  function enhanceEditors(root) {
    root.querySelectorAll(".markdownx").forEach(function (editor) {
      var textarea = editor.querySelector("textarea");
      var preview = editor.querySelector(".markdownx-preview");
      if (preview) {
        var label = textarea && textarea.labels && textarea.labels[0];
        var name = label ? label.textContent.replace("*", "").trim() : "";
        preview.setAttribute("role", "region");
        preview.setAttribute("aria-label", name ? "Preview of " + name.toLowerCase() : "Preview");
        var update = function () {
          // The widget shows whatever the server answered; a whole error page
          // (an expired form, a server error) is replaced by a short note.
          if (preview.querySelector("header, main, footer, nav, form")) {
            preview.textContent = "The preview is not available right now. Your text is not affected.";
          }
          preview.hidden = !preview.innerHTML.trim();
        };
        update();
        // markdownx fires these on its wrapper; they do not bubble.
        editor.addEventListener("markdownx.update", update);
        editor.addEventListener("markdownx.updateError", update);
      }
      // Capturing on the wrapper runs before the widget's own handler on the
      // text area; stopping the event there lets the browser move focus.
      editor.addEventListener(
        "keydown",
        function (event) {
          if (event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey) {
            event.stopPropagation();
          }
        },
        true
      );
    });
  }

  function enhanceActionDisclosures() {
    var tools = document.querySelectorAll("details.action-disclosure");
    if (!tools.length) {
      return;
    }
    tools.forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (details.open && details.scrollIntoView) {
          details.scrollIntoView({ block: "nearest" });
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented || !event.target.closest) {
        return;
      }
      var details = event.target.closest("details.action-disclosure[open]");
      if (!details) {
        return;
      }
      details.open = false;
      var summary = details.querySelector("summary");
      if (summary) {
        summary.focus();
      }
    });
  }

  function focusFirstError() {
    if (window.location.hash) {
      return;
    }
    var field = document.querySelector(
      ".thread [aria-invalid='true'], .expert-form [aria-invalid='true']"
    );
    if (!field) {
      return;
    }
    var details = field.closest("details");
    if (details) {
      details.open = true;
    }
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  function enhanceCannedReasons(root) {
    root.querySelectorAll("select[data-canned-reason]").forEach(function (select) {
      var form = select.form;
      var text = form && form.querySelector("textarea[name$='reason'], input[name$='reason']");
      if (!text) {
        return;
      }
      select.addEventListener("change", function () {
        if (!select.value) {
          return;
        }
        text.value = select.value;
        select.value = "";
        text.focus();
      });
    });
  }

  function init() {
    enhanceAlerts(document);
    enhanceMenus();
    enhanceEditors(document);
    enhanceActionDisclosures();
    enhanceCannedReasons(document);
    focusFirstError();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
