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
  button.addEventListener("click", async function () {
    const status = document.getElementById("save-result");
    const response = await fetch(button.dataset.url, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ files: { [button.dataset.path]: text.value } })
    });
    const answer = await response.json();
    status.replaceChildren();
    if (answer.version) {
      const link = document.createElement("a");
      link.href = answer.url;
      link.textContent = "Đã lưu thành bản nháp số " + answer.version.number + " — mở trang phiên bản";
      status.append(link);
    } else {
      status.textContent = answer.error ||
        ("Chưa lưu: " + (answer.report ? answer.report.problems.map(p => p.message).join("; ") : ""));
    }
  });
})();
