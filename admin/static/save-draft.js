// Shared by the modeler and the form editor: send edited files to be saved as a new draft
// version, then show the link to it, or every reason it was refused.
window.saveDraft = async function (url, files, status) {
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  status.textContent = "Đang lưu và kiểm tra…";
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify({ files: files })
  });
  const answer = await response.json();
  status.replaceChildren();
  if (answer.version) {
    const link = document.createElement("a");
    link.href = answer.url;
    link.textContent = "Đã lưu thành bản nháp số " + answer.version.number + " — mở trang phiên bản";
    status.append(link);
    return;
  }
  const title = document.createElement("p");
  title.textContent = answer.error || "Chưa hợp lệ, chưa lưu:";
  status.append(title);
  const list = document.createElement("ul");
  for (const p of (answer.report ? answer.report.problems : [])) {
    const item = document.createElement("li");
    item.textContent = (p.element ? "[" + p.element + "] " : "") + p.message;
    list.append(item);
  }
  status.append(list);
};
