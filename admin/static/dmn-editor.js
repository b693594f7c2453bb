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
  save.addEventListener("click", async function () {
    const result = await modeler.saveXML({ format: true });
    window.saveDraft(save.dataset.url, { [data.path]: result.xml },
                     document.getElementById("save-result"));
  });
  open();
})();
