// The modeler page: bpmn-js with a small properties panel for what designers set — a
// lane's role (by its label), a step's kind (handled by an officer, a decision table, or
// passing by itself: bpmnReplace), a step's lane (the shape moved into it), form and
// deadline (a number and a unit; the diagram keeps ISO-8601), a decision step's table, a
// flow's condition — the problems of the last check listed on top and marked on the
// drawing, and "save", which the server validates and tests like any upload. A step
// appended from the context pad (modeler-append.js: an officer's step, inserted after the
// step) is named «Bước mới», selected in its name box, until the designer names it; bpmn-js
// speaks Vietnamese (modeler-words.js); lanes show their role's label, forms their title.
(async function () {
  const data = JSON.parse(document.getElementById("bench-data").textContent);
  const panel = document.getElementById("properties");
  const picker = document.getElementById("diagram-file");
  const container = document.getElementById("canvas");
  if (!container || !picker) { return; }
  const modeler = new window.BpmnJS({
    container: "#canvas",
    moddleExtensions: { spiffworkflow: window.SPIFFWORKFLOW_MODDLE },
    additionalModules: [window.MODELER_WORDS.module, window.MODELER_APPEND]
  });
  const modeling = modeler.get("modeling");
  const moddle = modeler.get("moddle");
  const units = data.units || [];
  const roleLabels = data.role_labels || {};
  const KINDS = { UserTask: "Bước", Task: "Bước", SequenceFlow: "Luồng", ExclusiveGateway: "Cổng rẽ nhánh",
                  InclusiveGateway: "Cổng rẽ nhánh", ParallelGateway: "Cổng song song",
                  StartEvent: "Bắt đầu", EndEvent: "Kết thúc", BoundaryEvent: "Hẹn giờ gắn với bước",
                  IntermediateCatchEvent: "Chờ", Lane: "Làn", Participant: "Quy trình",
                  Process: "Quy trình", ServiceTask: "Bước tự động", ScriptTask: "Bước tự động",
                  BusinessRuleTask: "Bảng quyết định", CallActivity: "Quy trình con" };
  const decisions = data.decisions || [];
  const STEP_KINDS = [["bpmn:UserTask", "Bước do cán bộ xử lý"],
                      ["bpmn:BusinessRuleTask", "Bảng quyết định"],
                      ["bpmn:Task", "Bước không cần xử lý"]];
  const NEW_STEP = "Bước mới";
  // What only one kind of step carries: dropped when a step becomes another kind.
  const USER_TASK_PROPERTIES = ["formJsonSchemaFilename", "formUiSchemaFilename", "deadline", "status"];
  // A step's `status`: the dossier's national status while the step waits (bpmn/words.py).
  const WAITING_STATUSES = { "1": "Mới đăng ký (bước tiếp nhận)",
                             "9": "Đã xử lý xong (bước trả kết quả)" };
  let importing = false;
  let shown = null;
  let current = picker.value;
  let problems = (data.report && data.report.problems) || [];

  // --- Durations: ISO-8601 ↔ a number and a unit (the same table as bpmn/duration_words.py)
  const GRAMMAR = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
  function durationParts(text) {
    const match = GRAMMAR.exec(text || "");
    if (!match || text === "P" || text === "PT") { return null; }
    return units.map((unit, i) => [unit, Number(match[i + 1] || 0)]).filter(([, n]) => n > 0);
  }
  function durationWords(text) {
    const parts = durationParts(text);
    if (!parts) { return text; }
    if (!parts.length) { return "0 ngày làm việc"; }
    const words = parts.map(([unit, n]) => n + " " + unit.label);
    return words.length === 1 ? words[0] : words.slice(0, -1).join(", ") + " và " + words[words.length - 1];
  }
  function isoOf(number, key) {
    const unit = units.find(u => u.key === key);
    return "P" + (unit.time ? "T" : "") + number + unit.designator;
  }

  function spiffProperty(element, name) {
    const ext = element.businessObject.extensionElements;
    const holder = ext && (ext.values || []).find(v => v.$type === "spiffworkflow:Properties");
    const found = holder && (holder.properties || []).find(p => p.name === name);
    return found ? found.value : "";
  }

  function setSpiffProperty(element, name, value) {
    const bo = element.businessObject;
    const ext = bo.extensionElements || moddle.create("bpmn:ExtensionElements", { values: [] });
    let holder = (ext.values || []).find(v => v.$type === "spiffworkflow:Properties");
    if (!holder) {
      holder = moddle.create("spiffworkflow:Properties", { properties: [] });
      ext.values = (ext.values || []).concat([holder]);
    }
    const others = (holder.properties || []).filter(p => p.name !== name);
    holder.properties = value === "" ? others
      : others.concat([moddle.create("spiffworkflow:Property", { name: name, value: value })]);
    modeling.updateProperties(element, { extensionElements: ext });
  }

  function extensionValues(element) {
    const ext = element.businessObject.extensionElements;
    return (ext && ext.values) || [];
  }

  // Replace the extension values (keeping the others of the list as they are).
  function setExtensionValues(element, values) {
    const bo = element.businessObject;
    const ext = bo.extensionElements || moddle.create("bpmn:ExtensionElements", { values: [] });
    ext.values = values;
    modeling.updateProperties(element, { extensionElements: values.length ? ext : undefined });
  }

  function calledDecision(element) {
    const node = extensionValues(element).find(v => v.$type === "spiffworkflow:CalledDecisionId");
    return node ? (node.value || "").trim() : "";
  }

  function setCalledDecision(element, id) {
    const others = extensionValues(element).filter(v => v.$type !== "spiffworkflow:CalledDecisionId");
    setExtensionValues(element, id ? [moddle.create("spiffworkflow:CalledDecisionId", { value: id }), ...others]
                                   : others);
  }

  // After a change of kind: what the new kind does not read is removed from the diagram.
  function tidyAfterReplace(element, type) {
    if (type !== "bpmn:BusinessRuleTask" && calledDecision(element)) { setCalledDecision(element, ""); }
    if (type !== "bpmn:UserTask") {
      for (const name of USER_TASK_PROPERTIES) {
        if (spiffProperty(element, name)) { setSpiffProperty(element, name, ""); }
      }
    }
  }

  function field(label, id, control) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const lab = document.createElement("label");
    lab.htmlFor = id;
    lab.textContent = label;
    control.id = id;
    wrap.append(lab, control);
    return wrap;
  }

  function select(options, value, labelOf) {
    const control = document.createElement("select");
    for (const option of ["", ...options]) {
      const item = document.createElement("option");
      item.value = option;
      item.textContent = option ? (labelOf ? labelOf(option) : option) : "(chưa chọn)";
      item.selected = option === value;
      control.append(item);
    }
    return control;
  }

  function text(value, hint) {
    const control = document.createElement("input");
    control.value = value || "";
    if (hint) { control.placeholder = hint; }
    return control;
  }

  function hint(words) {
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = words;
    return note;
  }

  // A duration (a step's deadline, a timer): a number and a unit; an unusual mixed duration
  // stays as it is until changed. `write("")` removes it.
  function durationEditor(title, prefix, stored, write, emptyWords) {
    const parts = durationParts(stored);
    const set = document.createElement("fieldset");
    set.className = "duration";
    const legend = document.createElement("legend");
    legend.textContent = title;
    const row = document.createElement("div");
    row.className = "duration-input";
    const number = document.createElement("input");
    number.type = "number";
    number.min = "0";
    number.step = "1";
    number.inputMode = "numeric";
    // Offered: working days and hours; a stored value in another unit keeps its unit listed.
    const keep = parts && parts.length === 1 ? parts[0][0].key : "";
    const unit = select(units.filter(u => u.offered || u.key === keep).map(u => u.key), "working_days",
                        key => units.find(u => u.key === key).label);
    unit.querySelector("option[value='']").remove();
    if (parts && parts.length === 1) {
      number.value = String(parts[0][1]);
      unit.value = parts[0][0].key;
    }
    const said = hint(stored ? (parts ? "Đang đặt: " + durationWords(stored) + "."
                                : "Giá trị hiện có không đọc được: " + stored + ".")
                             : emptyWords);
    said.id = prefix + "-words";
    if (parts && parts.length > 1) { said.textContent += " Nhập số và đơn vị mới để thay."; }
    function apply() {
      const value = number.value.trim();
      if (value === "") {
        write("");
        said.textContent = emptyWords;
        number.removeAttribute("aria-invalid");
        return;
      }
      if (!/^\d+$/.test(value)) {
        said.textContent = "Thời hạn phải là số nguyên không âm (số lẻ: đổi sang đơn vị nhỏ hơn, 1,5 ngày = 12 giờ làm việc).";
        number.setAttribute("aria-invalid", "true");
        return;
      }
      number.removeAttribute("aria-invalid");
      const iso = isoOf(Number(value), unit.value);
      write(iso);
      said.textContent = "Đang đặt: " + durationWords(iso) + ".";
    }
    number.addEventListener("change", apply);
    unit.addEventListener("change", () => { if (number.value.trim() !== "") { apply(); } });
    const numberField = field("Số", prefix + "-number", number);
    const unitField = field("Đơn vị", prefix + "-unit", unit);
    row.append(numberField, unitField);
    set.append(legend, row, said);
    return set;
  }

  function laneOf(bo) {
    return modeler.get("elementRegistry").filter(e => e.type === "bpmn:Lane")
      .find(l => (l.businessObject.flowNodeRef || []).includes(bo));
  }

  function show(element) {
    shown = element;
    panel.replaceChildren();
    const heading = document.createElement("h2");
    heading.textContent = element ? (element.type === "bpmn:Lane" ? "Làn: " + laneName(element)
                                     : element.businessObject.name || "(chưa đặt tên)") : "Chọn một phần tử";
    panel.append(heading);
    highlightProblems(element ? element.id : null);
    if (!element) { return; }
    const bo = element.businessObject;
    const kind = hint(KINDS[bo.$type.replace("bpmn:", "")] || "Phần tử");
    kind.title = element.id;
    kind.id = "prop-id";
    panel.append(kind);
    const name = text(bo.name || "", "Tên hiển thị");
    name.addEventListener("change", () => {
      modeling.updateProperties(element, { name: name.value.trim() });
      heading.textContent = name.value.trim() || "(chưa đặt tên)";
    });
    if (bo.$type !== "bpmn:Lane") { panel.append(field("Tên", "prop-name", name)); }
    if (STEP_KINDS.some(([type]) => type === bo.$type)) { panel.append(kindField(element)); }
    const ways = (element.outgoing || []).filter(c => c.type === "bpmn:SequenceFlow");
    if (ways.length > 1 && !/Gateway$/.test(bo.$type)) {
      const note = hint("Bước này có " + ways.length + " đường ra mà không qua cổng rẽ nhánh: hồ sơ sẽ đi "
                        + "cùng lúc theo tất cả. Nếu chỉ đi một đường, thêm một cổng rẽ nhánh sau bước "
                        + "rồi nối các đường ra từ cổng, mỗi đường một điều kiện.");
      note.id = "prop-ways";
      note.className = "hint warning";
      panel.append(note);
    }
    if (bo.$type === "bpmn:BusinessRuleTask") { panel.append(decisionField(element)); }
    if (bo.$type === "bpmn:Task") { panel.append(hint("Bước này tự qua: không ai phải xử lý, không có biểu mẫu.")); }
    if (bo.$type === "bpmn:Lane") {
      const role = select(data.roles, bo.name || "", key => roleLabels[key] || key);
      role.addEventListener("change", () => {
        modeling.updateProperties(element, { name: role.value });
        heading.textContent = "Làn: " + laneName(element);
      });
      panel.append(field("Người xử lý (vai trò của làn)", "prop-role", role));
    }
    if (bo.$type === "bpmn:UserTask") {
      const form = select(data.formNames, spiffProperty(element, "formJsonSchemaFilename"), formLabel);
      form.querySelectorAll("option[value]").forEach(o => { if (o.value) { o.title = o.value; } });
      form.addEventListener("change", () => setSpiffProperty(element, "formJsonSchemaFilename", form.value));
      panel.append(field("Biểu mẫu", "prop-form", form));
      panel.append(durationEditor("Thời hạn của bước", "prop-deadline",
                                  spiffProperty(element, "deadline"),
                                  iso => setSpiffProperty(element, "deadline", iso),
                                  "Để trống: bước không có thời hạn riêng."));
      panel.append(performerField(element));
      const waiting = select(Object.keys(WAITING_STATUSES), spiffProperty(element, "status"),
                             key => WAITING_STATUSES[key]);
      waiting.addEventListener("change", () => setSpiffProperty(element, "status", waiting.value));
      panel.append(field("Trạng thái hồ sơ khi chờ bước này", "prop-status", waiting));
    }
    const timer = (bo.eventDefinitions || []).find(d => d.$type === "bpmn:TimerEventDefinition");
    if (timer && !timer.timeDate && !timer.timeCycle) {
      const stored = timer.timeDuration ? timer.timeDuration.body : "";
      panel.append(durationEditor("Hẹn giờ sau", "prop-timer", stored, iso => {
        modeling.updateModdleProperties(element, timer, {
          timeDuration: iso ? moddle.create("bpmn:FormalExpression", { body: iso }) : undefined
        });
      }, "Chưa đặt thời gian chờ."));
    }
    if (bo.$type === "bpmn:SequenceFlow" && bo.sourceRef &&
        /Gateway$/.test(bo.sourceRef.$type) && bo.sourceRef.$type !== "bpmn:ParallelGateway") {
      const condition = text(bo.conditionExpression ? bo.conditionExpression.body : "",
                             'quyet_dinh == "cap_phep"');
      condition.addEventListener("change", () => modeling.updateProperties(element, {
        conditionExpression: condition.value.trim()
          ? moddle.create("bpmn:FormalExpression", { body: condition.value.trim() }) : undefined
      }));
      panel.append(field("Điều kiện của luồng", "prop-condition", condition));
    }
  }

  function formLabel(name) {
    const title = data.formTitles[name];
    if (!title) { return name; }
    const twins = Object.values(data.formTitles).filter(t => t === title).length;
    return twins > 1 ? title + " (" + name + ")" : title;
  }

  // --- A step's kind: a bpmn:Task, UserTask or BusinessRuleTask replaced in place (name and
  // flows kept); the panel then shows the new element, which the selection follows.
  function kindField(element) {
    const control = document.createElement("select");
    for (const [type, label] of STEP_KINDS) {
      const option = document.createElement("option");
      option.value = type;
      option.textContent = label;
      option.selected = element.businessObject.$type === type;
      control.append(option);
    }
    control.addEventListener("change", () => {
      const replaced = modeler.get("bpmnReplace").replaceElement(element, { type: control.value });
      tidyAfterReplace(replaced, control.value);
      modeler.get("selection").select(replaced);
      show(replaced);
      const again = document.getElementById("prop-kind");
      if (again) { again.focus(); }
    });
    const wrap = field("Loại bước", "prop-kind", control);
    wrap.append(hint("Bước do cán bộ xử lý: có người xử lý, biểu mẫu, thời hạn. Bảng quyết định: "
                     + "tính kết quả (lệ phí, có cần bước sau…) từ một bảng của gói."));
    return wrap;
  }

  // --- A decision step's table, by the decision's name (the diagram keeps its id)
  function decisionField(element) {
    const chosen = calledDecision(element);
    if (!decisions.length) {
      const note = hint("Gói chưa có bảng quyết định nào. ");
      note.id = "prop-decision-none";
      if (data.decisions_url) {
        const link = document.createElement("a");
        link.href = data.decisions_url;
        link.textContent = "Tạo bảng quyết định";
        note.append(link, " rồi quay lại chọn bảng cho bước này.");
      } else {
        note.append("Lưu bản nháp cho hợp lệ rồi tạo bảng ở trang «Bảng quyết định» của phiên bản.");
      }
      return note;
    }
    const ids = decisions.map(d => d.id);
    if (chosen && !ids.includes(chosen)) { ids.push(chosen); }
    const control = select(ids, chosen, id => {
      const known = decisions.find(d => d.id === id);
      return known ? known.name : id + " (không có trong gói)";
    });
    control.addEventListener("change", () => setCalledDecision(element, control.value));
    const wrap = field("Bảng quyết định", "prop-decision", control);
    if (data.decisions_url) {
      const link = document.createElement("a");
      link.href = data.decisions_url;
      link.textContent = "Xem, sửa các bảng quyết định";
      const note = hint("");
      note.append(link);
      wrap.append(note);
    }
    return wrap;
  }

  // --- A user task's performer: the lane it sits in (the engine reads the role from it);
  // choosing another lane moves the shape into it, kept in view.
  function lanes() {
    return modeler.get("elementRegistry").filter(e => e.type === "bpmn:Lane");
  }

  function laneName(lane) {
    const role = lane.businessObject.name || "";
    return roleLabels[role] || role || "(làn chưa chọn vai trò)";
  }

  function performerField(element) {
    const all = lanes();
    if (!all.length) { return hint("Người xử lý: sơ đồ chưa có làn nào (thêm làn vào khung quy trình)."); }
    const lane = laneOf(element.businessObject);
    const control = select(all.map(l => l.id), lane ? lane.id : "",
                           id => laneName(all.find(l => l.id === id)));
    control.querySelector("option[value='']").textContent = "(chưa nằm trong làn nào)";
    control.addEventListener("change", () => {
      const target = all.find(l => l.id === control.value);
      if (!target) { return; }
      moveIntoLane(element, target);
      show(element);
      const again = document.getElementById("prop-lane");
      if (again) { again.focus(); }
    });
    return field("Người xử lý", "prop-lane", control);
  }

  // Into the middle of the lane's height, at the first place from where it stands rightwards
  // that no other step, event or gateway takes (the pool grows when it must).
  function moveIntoLane(shape, lane) {
    const y = lane.y + Math.round((lane.height - shape.height) / 2);
    const others = modeler.get("elementRegistry").filter(e =>
      e !== shape && !e.waypoints && !e.labelTarget && e.host !== shape &&
      e.businessObject.$instanceOf("bpmn:FlowNode"));
    const GAP = 20;
    const taken = x => others.some(o => x < o.x + o.width + GAP && o.x < x + shape.width + GAP &&
                                        y < o.y + o.height + GAP && o.y < y + shape.height + GAP);
    let x = Math.max(shape.x, lane.x + 2 * GAP);
    while (taken(x)) { x += GAP; }
    modeling.moveElements([shape], { x: x - shape.x, y: y - shape.y });
    modeler.get("canvas").scrollToElement(shape);
  }

  // --- New steps: named «Bước mới»; the label being typed on the drawing is finished
  // before the panel is used, so that it does not overwrite the name typed there.
  modeler.get("eventBus").on("commandStack.shape.create.postExecute", event => {
    const shape = event.context.shape;
    const bo = shape && shape.businessObject;
    if (importing || !bo || !bo.$instanceOf("bpmn:Task") || bo.name) { return; }
    modeling.updateProperties(shape, { name: NEW_STEP });
  });
  panel.addEventListener("focusin", event => {
    const editing = modeler.get("directEditing");
    if (!editing.isActive()) { return; }
    editing.complete();
    const input = document.getElementById("prop-name");
    if (shown && input && input !== event.target) { input.value = shown.businessObject.name || ""; }
    panel.querySelector("h2").textContent = shown ? (shown.businessObject.name || "(chưa đặt tên)") : "Chọn một phần tử";
  });

  // A click on the step already chosen keeps it chosen (diagram-js would unselect it: after
  // «Người xử lý» moved it, the designer's next click on it took it away from the panel).
  modeler.get("eventBus").on("element.click", 1500, event => {
    const chosen = modeler.get("selection").get();
    const mouse = event.originalEvent || {};
    if (chosen.length !== 1 || chosen[0] !== event.element || mouse.ctrlKey || mouse.metaKey
        || mouse.shiftKey) { return; }
    if (shown !== event.element) { show(event.element); }
    return false;
  });

  // A name typed on the drawing shows in the panel, however the name box was left.
  modeler.get("eventBus").on("elements.changed", event => {
    if (!shown || !event.elements.includes(shown) || shown.type === "bpmn:Lane") { return; }
    const input = document.getElementById("prop-name");
    if (input && input !== document.activeElement) { input.value = shown.businessObject.name || ""; }
    panel.querySelector("h2").textContent = shown.businessObject.name || "(chưa đặt tên)";
  });

  // A new step's name box opens with «Bước mới» selected: typing replaces it.
  modeler.get("eventBus").on("directEditing.activate", () => {
    const box = document.querySelector(".djs-direct-editing-parent .djs-direct-editing-content")
      || document.querySelector(".djs-direct-editing-content");
    if (box && box.textContent === NEW_STEP) { window.getSelection().selectAllChildren(box); }
  });

  // --- Lanes by their role's label, on the drawing (bpmn-js's own text, the role's code
  // the diagram keeps, hidden by the marker's CSS in diagram.css)
  function laneLabels() {
    const overlays = modeler.get("overlays");
    const canvas = modeler.get("canvas");
    overlays.remove({ type: "lane-label" });
    for (const lane of modeler.get("elementRegistry").filter(e => e.type === "bpmn:Lane")) {
      canvas.addMarker(lane.id, "role-lane");
      const role = lane.businessObject.name || "";
      const chip = document.createElement("span");
      chip.className = "lane-label";
      chip.textContent = roleLabels[role] || role || "(chưa chọn người xử lý)";
      chip.title = role;
      overlays.add(lane.id, "lane-label", { position: { top: 3, left: 120 }, html: chip });
    }
  }

  // --- Problems: marked on the drawing; list ↔ drawing
  function markProblems() {
    const canvas = modeler.get("canvas");
    const registry = modeler.get("elementRegistry");
    const overlays = modeler.get("overlays");
    overlays.remove({ type: "problem" });
    for (const element of registry.getAll()) {
      canvas.removeMarker(element.id, "problem-error");
      canvas.removeMarker(element.id, "problem-warning");
    }
    for (const problem of problems) {
      const element = problem.element && registry.get(problem.element);
      if (!element) { continue; }
      canvas.addMarker(problem.element, "problem-" + problem.severity);
      const badge = document.createElement("span");
      badge.className = "problem-badge " + problem.severity;
      badge.textContent = problem.severity === "error" ? "Lỗi" : "Cảnh báo";
      badge.title = problem.words || problem.message;
      overlays.add(problem.element, "problem", { position: { top: -14, left: 0 }, html: badge });
    }
    nameProblems();
  }
  window.markProblems = markProblems;

  function nameProblems() {
    const registry = modeler.get("elementRegistry");
    document.querySelectorAll("#problems [data-element]").forEach(link => {
      const element = registry.get(link.dataset.element);
      // A problem already named in words (bpmn/problem_words.py) keeps its kind («Bước «…»»).
      if (element && element.businessObject.name && link.textContent === link.dataset.element) {
        link.textContent = element.businessObject.name;
      }
    });
  }

  function highlightProblems(id) {
    let first = null;
    document.querySelectorAll("#problems li").forEach(item => {
      const hit = id !== null && item.dataset.problemElement === id;
      item.classList.toggle("current", hit);
      if (hit && !first) { first = item; }
    });
    if (first) { first.scrollIntoView({ block: "nearest" }); }
  }

  function focusElement(id) {
    const element = modeler.get("elementRegistry").get(id);
    if (!element) { return; }
    modeler.get("selection").select(element);
    modeler.get("canvas").scrollToElement(element);
    container.scrollIntoView({ block: "nearest" });
  }

  function listProblems(report) {
    problems = (report && report.problems) || [];
    const section = document.getElementById("problems-section");
    const list = document.getElementById("problems");
    list.replaceChildren();
    for (const p of problems) {
      const item = document.createElement("li");
      item.className = p.severity;
      item.dataset.problemElement = p.element || "";
      const label = document.createElement("strong");
      label.textContent = p.severity === "error" ? "Lỗi:" : "Cảnh báo:";
      item.append(label, " ");
      // What it is about by name (bpmn/problem_words.py); codes only under «Chi tiết kỹ thuật».
      const place = p.file_words || "";
      if (list.dataset.tables && /^[^/]+\.dmn$/.test(p.file || "")) {  // a kept draft's table
        const open = document.createElement("a");
        open.className = "table-problem";
        open.href = list.dataset.tables + "?tep=" + encodeURIComponent(p.file);
        open.textContent = place;
        item.append(open);
      } else {
        const file = document.createElement("span");
        file.className = "problem-file";
        file.textContent = place;
        item.append(file);
      }
      if (p.where) {
        const drawn = p.element && /\.bpmn$/.test(p.file || "");  // on the drawing
        const where = document.createElement(drawn ? "a" : "span");
        if (drawn) {
          where.href = "#canvas";
          where.dataset.element = p.element;
        }
        where.textContent = p.where;
        item.append(" › ", where);
      }
      const words = document.createElement("span");
      words.className = "problem-words";
      words.textContent = p.words || p.message;
      item.append(": ", words);
      if (p.technical) {
        const details = document.createElement("details");
        details.className = "technical";
        const summary = document.createElement("summary");
        summary.textContent = "Chi tiết kỹ thuật";
        const text = document.createElement("p");
        text.textContent = p.technical;
        details.append(summary, text);
        item.append(" ", details);
      }
      list.append(item);
    }
    document.getElementById("problem-count").textContent =
      (report ? report.errors : 0) + " lỗi, " + (report ? report.warnings : 0) + " cảnh báo";
    section.hidden = problems.length === 0;
    markProblems();
  }

  document.getElementById("problems").addEventListener("click", event => {
    const link = event.target.closest("[data-element]");
    if (!link) { return; }
    event.preventDefault();
    focusElement(link.dataset.element);
  });

  // A form by its title (the file name on hover and when it has none).
  function formTitles() {
    const texts = JSON.parse(document.getElementById("form-texts").textContent);
    const titles = {};
    for (const [path, body] of Object.entries(texts)) {
      let title = "";
      try { title = String(JSON.parse(body).title || "").trim(); } catch (error) { title = ""; }
      if (title) { titles[path.replace(/^forms\//, "")] = title; }
    }
    return titles;
  }

  // The palette's icons with a tooltip; on a phone, closed (its toggle opens it) so that it
  // does not cover the drawing.
  function paletteForSmallScreens() {
    const palette = document.querySelector("#canvas .djs-palette");
    if (!palette) { return; }
    palette.querySelectorAll(".entry[aria-label]").forEach(entry => {
      entry.title = entry.getAttribute("aria-label");
    });
    const toggle = palette.querySelector(".djs-palette-toggle");
    if (toggle) {
      toggle.title = "Mở / đóng bảng công cụ";
      toggle.setAttribute("aria-label", toggle.title);
      toggle.setAttribute("role", "button");
    }
    if (window.matchMedia("(max-width: 600px)").matches) { modeler.get("palette").close(); }
  }

  // The whole drawing in view, right of the open palette (which floats over the canvas and
  // hid the first steps: the start event and the fee step of the building permit).
  function fitBesidePalette() {
    const canvas = modeler.get("canvas");
    canvas.zoom("fit-viewport");
    const palette = container.querySelector(".djs-palette.open");
    const box = canvas.viewbox();
    if (!palette || !box.inner.width || !box.inner.height) { return; }
    const cover = palette.getBoundingClientRect().right - container.getBoundingClientRect().left;
    const margin = 16;
    const scale = Math.min(1, (box.outer.width - cover - 2 * margin) / box.inner.width,
                           (box.outer.height - 2 * margin) / box.inner.height);
    if (scale <= 0) { return; }
    canvas.viewbox({ x: box.inner.x - (cover + margin) / scale, y: box.inner.y - margin / scale,
                     width: box.outer.width / scale, height: box.outer.height / scale });
  }

  // Another diagram of the package chosen: the one being left keeps its edits (in
  // `data.diagrams`, saved with the others). One opens after another, in the order chosen.
  const asOpened = Object.assign({}, data.diagrams);
  let opening = Promise.resolve();
  function choose(name) {
    opening = opening.then(async function () {
      if (name === current && container.dataset.rendered === name) { return; }
      if (container.dataset.rendered === current) {
        data.diagrams[current] = (await modeler.saveXML({ format: true })).xml;
      }
      await open(name);
    }).catch(error => window.noteUndrawable(container, name, error));
    return opening;
  }

  // A diagram that cannot be drawn leaves the canvas empty and nothing marked drawn: its
  // text is then neither edited nor saved from the canvas.
  async function open(name) {
    importing = true;
    container.dataset.rendered = "";
    try { await modeler.importXML(data.diagrams[name]); } finally { importing = false; }
    window.noteUndrawable(container, name, null);
    fitBesidePalette();
    current = name;
    show(null);
    laneLabels();
    markProblems();
    container.dataset.rendered = name;
  }

  data.formNames = JSON.parse(document.getElementById("form-names").textContent);
  data.formTitles = formTitles();
  modeler.get("eventBus").on("commandStack.changed", () => { if (!importing) { laneLabels(); } });
  paletteForSmallScreens();
  modeler.get("eventBus").on("selection.changed", e => show(e.newSelection[0] || null));
  picker.addEventListener("change", () => choose(picker.value));

  window.oneSaveAtATime(document.getElementById("save"), async function () {
    await opening;
    const files = {};  // the diagram drawn, and every other one edited before
    if (container.dataset.rendered === current) {
      data.diagrams[current] = files[current] = (await modeler.saveXML({ format: true })).xml;
    }
    for (const [name, text] of Object.entries(data.diagrams)) {
      if (text !== asOpened[name]) { files[name] = text; }
    }
    if (!Object.keys(files).length) {
      document.getElementById("save-result").textContent = "Chưa có gì để lưu: sơ đồ này không vẽ được.";
      return;
    }
    const answer = await window.saveDraft(this.dataset.url, files,
                                          document.getElementById("save-result"));
    if (answer && !answer.version && answer.report) { listProblems(answer.report); }
  });

  await choose(current);
})();
