// The decision table editor: the package's .dmn table in dmn-js's decision table view
// (vendored, pinned); saving sends the table's XML to become a new draft version, checked
// statically (bpmn/dmn.py) and by the package's tests like any upload — or, for a draft
// kept invalid, re-checks the draft in place and shows this table's findings again.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dmn-data").textContent);
  const save = document.getElementById("save-table");
  const failed = document.getElementById("dmn-load-error");
  // The editor's own words in Vietnamese (dmn-js's translate service): every label, tooltip
  // and context-menu entry of the decision table view, the column types in words.
  const WORDS = {
    "When": "Khi", "And": "Và", "Then": "Thì", "Annotations": "Ghi chú", "Annotation": "Ghi chú",
    "Hit policy:": "Cách chọn dòng:", "Hit policy": "Cách chọn dòng",
    "Unique": "Đúng một dòng khớp", "First": "Dòng đầu tiên khớp",
    "No overlap is possible and all rules are disjoint. Only a single rule can be matched":
      "Các dòng không được trùng nhau: mỗi hồ sơ khớp đúng một dòng.",
    "Rules may overlap. The first matching rule will be chosen":
      "Các dòng có thể trùng nhau: dòng đầu tiên (từ trên xuống) khớp được dùng.",
    "Any": "Bất kỳ (không dùng)", "Priority": "Theo ưu tiên (không dùng)",
    "Collect": "Gộp các dòng (không dùng)", "Collect (Sum)": "Gộp: tổng (không dùng)",
    "Collect (Min)": "Gộp: nhỏ nhất (không dùng)", "Collect (Max)": "Gộp: lớn nhất (không dùng)",
    "Collect (Count)": "Gộp: đếm (không dùng)", "Rule order": "Theo thứ tự dòng (không dùng)",
    "Output order": "Theo thứ tự kết quả (không dùng)",
    "Decision name": "Tên bảng quyết định", "Decision name: ": "Tên bảng quyết định: ", "Element name": "Tên",
    "Add rule": "Thêm dòng", "Add rule above": "Thêm dòng phía trên",
    "Add rule below": "Thêm dòng phía dưới", "Remove rule": "Xóa dòng", "Copy rule": "Chép dòng",
    "Cut rule": "Cắt dòng", "Paste rule above": "Dán dòng phía trên",
    "Paste rule below": "Dán dòng phía dưới", "Move rule": "Kéo để chuyển dòng",
    "Input": "Điều kiện", "Output": "Kết quả",
    "Add input": "Thêm cột điều kiện", "Add output": "Thêm cột kết quả",
    "Add input column left": "Thêm cột điều kiện bên trái",
    "Add input column right": "Thêm cột điều kiện bên phải",
    "Add output column left": "Thêm cột kết quả bên trái",
    "Add output column right": "Thêm cột kết quả bên phải",
    "Remove input column": "Xóa cột điều kiện", "Remove output column": "Xóa cột kết quả",
    "Copy input column": "Chép cột điều kiện", "Copy output column": "Chép cột kết quả",
    "Cut input column": "Cắt cột điều kiện", "Cut output column": "Cắt cột kết quả",
    "Paste input column left": "Dán cột điều kiện bên trái",
    "Paste input column right": "Dán cột điều kiện bên phải",
    "Paste output column left": "Dán cột kết quả bên trái",
    "Paste output column right": "Dán cột kết quả bên phải",
    "Add cell description": "Thêm ghi chú cho ô", "Remove cell description": "Xóa ghi chú của ô",
    "Input label": "Nhãn cột điều kiện", "Input label: ": "Nhãn cột: ",
    "Output label": "Nhãn cột kết quả", "Output label: ": "Nhãn cột: ",
    "Output name": "Tên kết quả (viết thường không dấu, ví dụ le_phi)",
    "Output name: ": "Tên kết quả: ",
    "Input expression": "Trường của biểu mẫu", "Input expression: ": "Trường của biểu mẫu: ",
    "Expression": "Trường của biểu mẫu (ví dụ cong_trinh.dien_tich)",
    "Enter expression": "Nhập trường của biểu mẫu",
    "Input type": "Kiểu của cột", "Output type": "Kiểu của cột", "Type": "Kiểu",
    "Variable type": "Kiểu", "Variable name": "Tên biến", "Kind": "Loại",
    "Expression language": "Ngôn ngữ biểu thức", "Expression language:": "Ngôn ngữ biểu thức:",
    "Expression language: {expressionLanguageLabel}": "Ngôn ngữ biểu thức: {expressionLanguageLabel}",
    "Change cell expression language": "Đổi ngôn ngữ biểu thức của ô",
    "Editing not supported for set expression language": "Không sửa được ô viết bằng ngôn ngữ này",
    "Predefined values": "Giá trị định sẵn", "Input values": "Các giá trị của cột",
    "Output values": "Các giá trị kết quả", "Add predefined values": "Thêm giá trị định sẵn",
    "Clear predefined values": "Bỏ giá trị định sẵn", "Add values": "Thêm giá trị",
    "No values": "Chưa có giá trị định sẵn", "Values": "Các giá trị", "Value": "Giá trị",
    "Enter": "Nhập", "No diagnostics": "Không có lỗi",
    "Edit": "Sửa", "Edit input": "Sửa cột điều kiện", "Edit output": "Sửa cột kết quả",
    "Edit number": "Sửa số", "Edit string": "Sửa chữ", "Edit boolean": "Sửa đúng/sai",
    "Edit date": "Sửa ngày", "Edit time": "Sửa giờ", "Edit date and time": "Sửa ngày giờ",
    "Edit duration": "Sửa khoảng thời gian", "Delete": "Xóa", "Change type": "Đổi loại",
    "Connect to other element": "Nối với phần tử khác", "Add text annotation": "Thêm ghi chú",
    "Append decision": "Thêm bảng quyết định nối tiếp",
    // Column types (typeRef), shown under each column's label and in the type choice.
    "number": "số", "integer": "số nguyên", "long": "số nguyên", "double": "số",
    "string": "chữ", "boolean": "đúng/sai", "date": "ngày", "time": "giờ",
    "dateTime": "ngày giờ", "dayTimeDuration": "khoảng ngày giờ",
    "yearMonthDuration": "khoảng năm tháng"
  };
  function translate(template, replacements) {
    const text = WORDS[template] || template;
    return text.replace(/{([^}]+)}/g, (_, key) => (replacements || {})[key] || "{" + key + "}");
  }
  // A few words dmn-js writes without its translate service (a menu's name, the drag
  // handles' tooltips): put right wherever they appear in the editor or its menus.
  const FIXED = Object.assign({
    "Decision table context menu": "Trình đơn của bảng quyết định",
    "Move Input": "Kéo để chuyển cột điều kiện", "Move Output": "Kéo để chuyển cột kết quả"
  }, WORDS);
  const ATTRIBUTES = ["title", "aria-label", "placeholder", "data-placeholder"];
  function fixWords(root) {
    const nodes = root.querySelectorAll ? [root, ...root.querySelectorAll("[title], [aria-label], [placeholder], [data-placeholder]")] : [];
    for (const node of nodes) {
      for (const name of ATTRIBUTES) {
        const value = node.getAttribute && node.getAttribute(name);
        if (value && FIXED[value] && FIXED[value] !== value) { node.setAttribute(name, FIXED[value]); }
      }
    }
  }
  // The column editor's type box: dmn-js shows the typeRef itself (`string`, `integer`) in
  // a free-text box. It is hidden (dmn-editor.css) and a list of the types the checks know,
  // in words, stands in its place; choosing one types the standard typeRef into dmn-js's
  // box, so dmn-js records it in the XML as it would have (`inputExpression typeRef`).
  const TYPES = [["string", "Chữ"], ["integer", "Số nguyên"], ["number", "Số"],
                 ["boolean", "Đúng/Sai"]];
  const OTHER_TYPES = { long: "Số nguyên (dài)", double: "Số (thực)", date: "Ngày", time: "Giờ",
                        dateTime: "Ngày giờ" };
  let typeBoxes = 0;
  function typeSelect(root) {
    if (!root.querySelectorAll) { return; }
    const boxes = root.matches(".type-ref-edit") ? [root] : root.querySelectorAll(".type-ref-edit");
    for (const box of boxes) {
      const input = box.querySelector(".type-ref-edit-select input");
      if (!input || box.querySelector("select.dmn-type")) { continue; }
      const select = document.createElement("select");
      select.className = "dmn-type";
      select.id = "dmn-type-" + (++typeBoxes);
      select.setAttribute("aria-label", "Kiểu dữ liệu của cột");
      const choices = TYPES.slice();
      if (input.value && !choices.some(c => c[0] === input.value)) {
        choices.push([input.value, OTHER_TYPES[input.value] || "Kiểu khác"]);
      }
      if (!input.value) { select.append(new Option("Chưa chọn", "", true, true)); }
      for (const [value, label] of choices) { select.append(new Option(label, value)); }
      select.value = input.value;
      select.addEventListener("change", function () {
        input.value = select.value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      const label = box.querySelector("label.dms-label");
      if (label) { label.htmlFor = select.id; }
      box.querySelector(".type-ref-edit-select").after(select);
    }
  }
  // dmn-js leaves the header of the rows' number column empty: named for screen readers.
  function nameIndexColumn(root) {
    const heads = root.querySelectorAll ? root.querySelectorAll("th.index-column") : [];
    for (const head of heads) {
      if (!head.textContent.trim()) {
        head.append(Object.assign(document.createElement("span"), { className: "sr-only", textContent: "Số thứ tự dòng" }));
      }
    }
  }
  new MutationObserver(records => {
    for (const record of records) {
      if (record.type === "attributes") { fixWords(record.target); }
      record.addedNodes.forEach(fixWords);
      record.addedNodes.forEach(typeSelect);
      record.addedNodes.forEach(nameIndexColumn);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ATTRIBUTES });
  const modeler = new window.DmnJS({
    container: "#dmn-canvas",
    decisionTable: { additionalModules: [{ translate: ["value", translate] }] }
  });
  async function open() {
    try {
      await modeler.importXML(data.shown || data.xml);  // yes/no cells as «Có»/«Không»
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
  // cell (Tab goes on to the next cell); «Xóa dòng đang chọn» removes the row of the last cell
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
  // The rows the last check found wrong, marked in the table (their message on hover);
  // dmn-js redraws rows as they change, so the marks are put back after each change.
  let marked = data.rows || [];
  function markRows() {
    const rows = document.querySelectorAll("#dmn-canvas .tjs-table tbody tr");
    rows.forEach(row => { row.classList.remove("dmn-problem-row"); row.removeAttribute("title"); });
    for (const mark of marked) {
      const row = rows[mark.row - 1];
      if (row) {
        row.classList.add("dmn-problem-row");
        row.title = (row.title ? row.title + "\n" : "") + mark.message;
      }
    }
  }
  function showFindings(report) {
    // A save refused: this table's problems replace the list on the page.
    const mine = ((report && report.problems) || []).filter(p => p.file === data.path);
    const list = document.createElement("ul");
    list.id = "dmn-findings";
    for (const p of mine) {
      const item = document.createElement("li");
      item.className = p.severity === "error" ? "error" : "warning";
      item.textContent = (p.severity === "error" ? "Lỗi: " : "Cảnh báo: ") + p.message;
      list.append(item);
    }
    if (!mine.length) {
      list.append(Object.assign(document.createElement("li"), { textContent: "Bảng này không còn lỗi." }));
    }
    document.getElementById("dmn-findings").replaceWith(list);
    marked = mine.filter(p => p.row).map(p => ({ row: p.row, message: p.message }));
    markRows();
  }
  window.oneSaveAtATime(save, async function () {
    const result = await modeler.saveXML({ format: true });
    const status = document.getElementById("save-result");
    const answer = await window.saveDraft(save.dataset.url, { [data.path]: result.xml }, status);
    if (answer && answer.report && !answer.version) {
      // Refused (nothing kept for a version's table; a kept draft updated in place): this
      // table's problems beside it, the table still as typed.
      showFindings(answer.report);
    }
    if (answer && answer.version && answer.url) {
      // The new version's page of this table: its findings, the table to go on editing.
      const link = document.createElement("a");
      link.id = "saved-table";
      link.href = answer.url + "/bang-quyet-dinh?tep=" + encodeURIComponent(data.path);
      link.textContent = "mở bảng này trong bản nháp số " + answer.version.number + " (kết quả kiểm tra)";
      status.append(" · ", link);
    }
  });
  // Nothing to add to or save until the table is open.
  addRule.disabled = true;
  save.setAttribute("aria-disabled", "true");
  open().then(function () {
    if (document.getElementById("dmn-canvas").dataset.ready !== "true") { return; }
    addRule.disabled = false;
    save.removeAttribute("aria-disabled");
    watchSelection();
    markRows();
    table().get("eventBus").on("elements.changed", () => window.setTimeout(markRows, 0));
  });
})();
