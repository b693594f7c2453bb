// Shared by the modeler and the form editor: send edited files to be saved as a new draft
// version, then show the link to it — or, at the top of the page, every reason it was
// refused and the link to the draft kept meanwhile (nothing a designer typed is lost).
// Resolves to the server's answer, so the modeler can mark the problems on the drawing.
window.saveDraft = async function (url, files, status) {
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  status.textContent = "Đang lưu và kiểm tra…";
  let answer;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ files: files })
    });
    answer = await response.json();
  } catch (error) {
    status.textContent = "Không lưu được (mất kết nối?). Nội dung vẫn còn trên trang: hãy thử lưu lại.";
    return {};
  }
  status.replaceChildren();
  if (answer.version) {
    const link = document.createElement("a");
    link.href = answer.url;
    link.textContent = answer.version.unchanged
      ? "Không có thay đổi so với phiên bản số " + answer.version.number +
        (answer.version.status_label ? " (" + answer.version.status_label + ")" : "") +
        ": không tạo bản nháp mới — mở phiên bản đó"
      : "Đã lưu thành bản nháp số " + answer.version.number + " — mở trang phiên bản";
    status.append(link);
    return answer;
  }
  const title = document.createElement("p");
  title.className = "flash error";
  title.textContent = answer.error || "Chưa hợp lệ nên chưa thành phiên bản: sửa các lỗi dưới đây.";
  status.append(title);
  if (answer.draft) {
    const kept = document.createElement("p");
    const link = document.createElement("a");
    link.id = "kept-draft";
    link.href = answer.draft.url;
    link.textContent = "mở bản nháp chưa hợp lệ đã giữ lại";
    kept.append("Không mất gì: nội dung đã được giữ lại (" + answer.draft.errors + " lỗi) — ", link, ".");
    status.append(kept);
  }
  if (!window.markProblems) {  // the form editor: the list here; the modeler lists them itself
    const list = document.createElement("ul");
    list.id = "save-problems";
    for (const p of (answer.report ? answer.report.problems : [])) {
      const item = document.createElement("li");
      item.textContent = [p.file_words, p.where].filter(Boolean).join(" › ") +
        (p.file_words || p.where ? ": " : "") + (p.words || p.message);
      list.append(item);
    }
    status.append(list);
  }
  status.scrollIntoView({ block: "start" });
  return answer;
};

// A save button does nothing more while its save runs (a double click sends one save, and
// the status shows its answer); it stays focusable, marked busy, and is free again after.
window.oneSaveAtATime = function (button, save) {
  button.addEventListener("click", async function (event) {
    if (button.getAttribute("aria-disabled") === "true") { return; }
    button.setAttribute("aria-disabled", "true");
    try {
      await save.call(button, event);
    } finally {
      button.removeAttribute("aria-disabled");
    }
  });
};
