// Generated forms: show a conditional field only while its condition holds, and disable
// its inputs while hidden (so it is not posted). The server validates everything anyway;
// without this script every field stays visible with the sentence saying when it applies.
// A field required only under its condition carries a hidden marker, shown with the field.
(function () {
  "use strict";
  function valueOf(form, name) {
    const fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    for (const field of fields) {
      if (field.disabled) continue;
      if (field.type === "radio") { if (field.checked) return field.value; continue; }
      if (field.type === "checkbox") return field.checked ? "true" : "";
      return field.value.trim();
    }
    return "";
  }
  function holds(form, rule) {
    const value = valueOf(form, rule.field);
    const matched = rule.in ? rule.in.indexOf(value) !== -1 : value !== "";
    return rule.negate ? !matched && value !== "" : matched;
  }
  function refresh(form) {
    // Outer conditions first, so a nested one sees its parent's inputs disabled.
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      const shown = holds(form, JSON.parse(box.dataset.showIf));
      box.hidden = !shown;
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
      const note = box.querySelector(".condition-note");
      if (note) note.hidden = true;  // the condition is now shown by showing the field
      // A field required under its condition is marked so while it is shown.
      box.querySelectorAll("[data-required-if-shown]").forEach(function (marker) {
        marker.hidden = !shown;
        const field = marker.closest(".field");
        const control = field && field.querySelector("input, select, textarea");
        if (control && control.type !== "radio") {
          if (shown) control.setAttribute("aria-required", "true");
          else control.removeAttribute("aria-required");
        }
      });
    });
  }
  document.querySelectorAll("form[data-conditional]").forEach(function (form) {
    refresh(form);
    form.addEventListener("change", function () { refresh(form); });
    form.addEventListener("input", function () { refresh(form); });
  });
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
