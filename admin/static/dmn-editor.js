// The decision table editor: the package's .dmn table in dmn-js's decision table view
// (vendored, pinned); saving sends the table's XML to become a new draft version, checked
// statically (bpmn/dmn.py) and by the package's tests like any upload.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dmn-data").textContent);
  const save = document.getElementById("save-table");
  const failed = document.getElementById("dmn-load-error");
  // The editor's own words in Vietnamese (dmn-js's translate service); the rest stays English.
  const WORDS = {
    "When": "Khi", "And": "Và", "Then": "Thì", "Annotations": "Ghi chú", "Annotation": "Ghi chú",
    "Hit policy:": "Chính sách khớp:", "Hit policy": "Chính sách khớp",
    "Unique": "UNIQUE — đúng một dòng", "First": "FIRST — dòng đầu tiên khớp",
    "Any": "ANY", "Priority": "PRIORITY", "Collect": "COLLECT", "Rule order": "RULE ORDER",
    "Output order": "OUTPUT ORDER",
    "Add rule": "Thêm dòng", "Add rule above": "Thêm dòng phía trên",
    "Add rule below": "Thêm dòng phía dưới", "Remove rule": "Xoá dòng", "Copy rule": "Chép dòng",
    "Cut rule": "Cắt dòng", "Paste rule above": "Dán dòng phía trên",
    "Paste rule below": "Dán dòng phía dưới", "Add input": "Thêm cột điều kiện",
    "Add output": "Thêm cột kết quả", "Input label": "Nhãn cột điều kiện",
    "Output label": "Nhãn cột kết quả", "Output name": "Tên kết quả (biến)",
    "Input expression": "Biểu thức đầu vào (trường của biểu mẫu)", "Expression": "Biểu thức",
    "Type": "Kiểu", "Expression language": "Ngôn ngữ biểu thức",
    "Predefined values": "Giá trị định sẵn", "Input values": "Giá trị đầu vào",
    "Output values": "Giá trị kết quả", "Delete": "Xoá", "Edit": "Sửa"
  };
  function translate(template, replacements) {
    const text = WORDS[template] || template;
    return text.replace(/{([^}]+)}/g, (_, key) => (replacements || {})[key] || "{" + key + "}");
  }
  const modeler = new window.DmnJS({
    container: "#dmn-canvas",
    decisionTable: { additionalModules: [{ translate: ["value", translate] }] }
  });
  async function open() {
    try {
      await modeler.importXML(data.xml);
      const table = modeler.getViews().find(view => view.type === "decisionTable");
      if (table) { await modeler.open(table); }
      document.getElementById("dmn-canvas").dataset.ready = "true";
    } catch (error) {
      failed.textContent = "Không mở được bảng quyết định: " + error.message;
      failed.hidden = false;
    }
  }
  // Rows by buttons a keyboard reaches (dmn-js's own "+" under the table is an icon whose
  // name screen readers cannot read): «Thêm dòng» adds a row and puts the cursor in its first
  // cell (Tab goes on to the next cell); «Xoá dòng đang chọn» removes the row of the last cell
  // chosen.
  let chosen = null;
  const addRule = document.getElementById("add-rule");
  const removeRule = document.getElementById("remove-rule");
  function table() { return modeler.getActiveViewer(); }
  function watchSelection() {
    table().get("eventBus").on("selection.changed", function (event) {
      const cell = event.selection;
      if (cell && cell.row && cell.row.businessObject && cell.row.businessObject.$type === "dmn:DecisionRule") {
        chosen = cell.row;
      }
      removeRule.disabled = !chosen;
    });
  }
  addRule.addEventListener("click", function () {
    table().get("eventBus").fire("addRule", {});
  });
  removeRule.addEventListener("click", function () {
    const sheet = table().get("sheet");
    if (!chosen || sheet.getRoot().rows.indexOf(chosen) < 0) {
      removeRule.disabled = true;
      return;
    }
    table().get("editorActions").trigger("removeRule", { rule: chosen });
    chosen = null;
    removeRule.disabled = true;
  });
  save.addEventListener("click", async function () {
    const result = await modeler.saveXML({ format: true });
    const status = document.getElementById("save-result");
    const answer = await window.saveDraft(save.dataset.url, { [data.path]: result.xml }, status);
    if (answer && answer.version && answer.url) {
      // The new version's page of this table: its findings, the table to go on editing.
      const link = document.createElement("a");
      link.id = "saved-table";
      link.href = answer.url + "/bang-quyet-dinh?tep=" + encodeURIComponent(data.path);
      link.textContent = "mở bảng này trong bản nháp số " + answer.version.number + " (kết quả kiểm tra)";
      status.append(" · ", link);
    }
  });
  open().then(watchSelection);
})();
