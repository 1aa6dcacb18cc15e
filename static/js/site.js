/*
 * Progressive enhancement only: every page works without this file.
 *
 * - Alerts marked data-dismissible get a working close button.
 * - Disclosure menus marked data-menu close on Escape and on a click outside,
 *   as people expect a menu to; without JavaScript they close on a second
 *   click of their summary.
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

  function init() {
    enhanceAlerts(document);
    enhanceMenus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
