// The form editor: the JSON Schema on the left, the generated form on the right, refreshed
// as the designer types (the server renders it, as it will for citizens); save = new draft.
(function () {
  const text = document.getElementById("schema-text");
  const button = document.getElementById("save-form");
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const preview = document.getElementById("preview");
  const problems = document.getElementById("preview-problems");
  let timer = null;
  async function refresh() {
    const response = await fetch(button.dataset.preview, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ schema: text.value })
    });
    const answer = await response.json();
    problems.replaceChildren(...answer.problems.map(p => {
      const item = document.createElement("li");
      item.textContent = p;
      return item;
    }));
    if (!answer.problems.length) { preview.innerHTML = answer.html; }  // escaped by the server's renderer
    preview.dataset.version = String(Number(preview.dataset.version || 0) + 1);
  }
  text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  button.addEventListener("click", function () {
    window.saveDraft(button.dataset.url, { [button.dataset.path]: text.value },
                     document.getElementById("save-result"));
  });
})();
