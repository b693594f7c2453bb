// The modeler page: bpmn-js with a small properties panel for what designers set —
// a lane's role, a step's form and deadline, a flow's condition — and "save as a new
// draft", which the server validates and tests like any upload.
(async function () {
  const data = JSON.parse(document.getElementById("bench-data").textContent);
  const panel = document.getElementById("properties");
  const picker = document.getElementById("diagram-file");
  const modeler = new window.BpmnJS({
    container: "#canvas",
    moddleExtensions: { spiffworkflow: window.SPIFFWORKFLOW_MODDLE }
  });
  const modeling = modeler.get("modeling");
  const moddle = modeler.get("moddle");
  let current = picker.value;

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

  function select(options, value) {
    const control = document.createElement("select");
    for (const option of ["", ...options]) {
      const item = document.createElement("option");
      item.value = option;
      item.textContent = option || "(chưa chọn)";
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

  function show(element) {
    panel.replaceChildren();
    const heading = document.createElement("h2");
    heading.textContent = element ? (element.businessObject.name || element.id) : "Chọn một phần tử";
    panel.append(heading);
    if (!element) { return; }
    const bo = element.businessObject;
    const kind = document.createElement("p");
    kind.className = "hint";
    kind.textContent = bo.$type.replace("bpmn:", "") + " · " + element.id;
    panel.append(kind);
    if (bo.$type === "bpmn:Lane") {
      const role = select(data.roles, bo.name || "");
      role.addEventListener("change", () => modeling.updateProperties(element, { name: role.value }));
      panel.append(field("Vai trò xử lý (làn)", "prop-role", role));
    }
    if (bo.$type === "bpmn:UserTask") {
      const form = select(data.formNames, spiffProperty(element, "formJsonSchemaFilename"));
      form.addEventListener("change", () => setSpiffProperty(element, "formJsonSchemaFilename", form.value));
      panel.append(field("Biểu mẫu", "prop-form", form));
      const deadline = text(spiffProperty(element, "deadline"), "P2D, PT4H");
      deadline.addEventListener("change", () => setSpiffProperty(element, "deadline", deadline.value.trim()));
      panel.append(field("Thời hạn bước (ISO-8601: P2D = 2 ngày làm việc)", "prop-deadline", deadline));
      const lane = (modeler.get("elementRegistry").filter(e => e.type === "bpmn:Lane")
        .find(l => (l.businessObject.flowNodeRef || []).includes(bo)));
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = "Làn: " + (lane ? lane.businessObject.name : "(chưa nằm trong làn nào)");
      panel.append(note);
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

  async function open(name) {
    await modeler.importXML(data.diagrams[name]);
    modeler.get("canvas").zoom("fit-viewport");
    current = name;
    show(null);
    document.getElementById("canvas").dataset.rendered = name;
  }

  data.formNames = JSON.parse(document.getElementById("form-names").textContent);
  modeler.get("eventBus").on("selection.changed", e => show(e.newSelection[0] || null));
  picker.addEventListener("change", () => open(picker.value));

  document.getElementById("save").addEventListener("click", async function () {
    const { xml } = await modeler.saveXML({ format: true });
    await window.saveDraft(this.dataset.url, { [current]: xml },
                           document.getElementById("save-result"));
  });

  await open(current);
})();
