// The form editor: a visual builder of the form's fields (the default) and the raw JSON
// Schema ("Nâng cao"), with the form generated beside them at phone or desktop width.
// The script edits only the builder's model; the server (admin/form_builder.py) makes the
// schema from it, checks it and renders the preview, as it will for citizens.
(function () {
  "use strict";
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const builder = document.getElementById("builder");
  const advanced = document.getElementById("advanced");
  const text = document.getElementById("schema-text");
  const save = document.getElementById("save-form");
  const preview = document.getElementById("preview");
  const previewProblems = document.getElementById("preview-problems");
  const problems = document.getElementById("builder-problems");
  const problemsHeading = document.getElementById("builder-problems-h");
  const why = document.getElementById("builder-why");
  const title = document.getElementById("form-title");
  const modeBuilder = document.getElementById("mode-builder");
  const modeAdvanced = document.getElementById("mode-advanced");
  const FORMATS = { "": "Không", cccd: "Số CCCD (12 chữ số)", phone: "Số điện thoại",
                    email: "Thư điện tử", tax_code: "Mã số thuế" };
  let kinds = {};
  let model = null;
  let papers = null;      // the start form's papers (procedure.json components), else null
  let uiPath = null;      // the form's UI schema file (written beside it)
  let timer = null;
  let serial = 0;
  let loaded = null;      // the form as opened: its model, papers and texts (saved as they were)
  let advancedChosen = false;  // chose the JSON text: a model that arrives late leaves it be
  let rawTimer = null;
  let rawSerial = 0;
  // The builder answers to nothing until its model has arrived (a title typed or a field
  // added before would be lost when the model is drawn).
  builder.inert = true;
  builder.setAttribute("aria-busy", "true");
  save.setAttribute("aria-disabled", "true");

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    });
    return response.json();
  }

  function items(list, texts) {
    list.replaceChildren(...texts.map(function (t) {
      const item = document.createElement("li");
      item.textContent = t;
      return item;
    }));
  }

  // «Cần sửa trước khi lưu» is shown only above problems to fix.
  function showProblems(texts) {
    items(problems, texts);
    problemsHeading.hidden = texts.length === 0;
  }

  function showPreview(answer) {
    items(previewProblems, answer.problems || []);
    if (answer.html && !(answer.problems || []).length) {
      preview.innerHTML = answer.html;  // escaped by the server's renderer
    }
    preview.dataset.version = String(Number(preview.dataset.version || 0) + 1);
  }

  // ---- the model → schema, preview -------------------------------------------------------
  function changed() {
    clearTimeout(timer);
    timer = setTimeout(rebuild, 250);
  }

  async function rebuild() {
    const mine = ++serial;
    // The start form's papers go too: the preview shows them as the citizen meets them.
    const answer = await post(builder.dataset.build, { model: model, papers: papers });
    // An answer that comes back after the designer turned to the JSON text is dropped:
    // from then on the text is theirs, and the builder reads it back when they return.
    if (mine !== serial || builder.hidden) { return; }
    showProblems(answer.schema ? answer.paper_problems || [] : answer.problems || []);
    if (answer.schema) {
      text.value = answer.schema;
      showPreview(answer);
    }
    problems.dataset.version = String(Number(problems.dataset.version || 0) + 1);
  }

  // ---- names from labels ------------------------------------------------------------------
  function slug(label) {
    const plain = label.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
    const name = plain.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
    return /^[a-z]/.test(name) ? name : "truong_" + name;
  }

  // A field's code (the key its answers are stored under): made from its label, ascii,
  // unique among the fields beside it, never a name the platform keeps for itself.
  const RESERVED = ["csrf_token", "agency", "nhap"];
  function codeFor(label, fields, field) {
    const base = slug(label || "truong").slice(0, 60).replace(/_+$/, "");
    const taken = name => fields.some(f => f !== field && f.name === name) ||
      (fields === model.fields && RESERVED.includes(name));
    let name = base;
    for (let n = 2; taken(name); n++) { name = base + "_" + n; }
    return name;
  }

  // Renamed while its code still follows its label: the questions asked only when it has a
  // given answer follow it.
  function rename(field, fields, name) {
    for (const other of fields) {
      if (other.show_if && other.show_if.field === field.name) { other.show_if.field = name; }
    }
    field.name = name;
  }

  // Once saved, a field's code stays whatever its label becomes: answers keep their key.
  function freeze(fields) {
    for (const f of fields || []) {
      f.auto = false;
      for (const o of f.options || []) { o.auto = false; }
      freeze(f.fields);
    }
  }

  // ---- one field's card ---------------------------------------------------------------------
  let uid = 0;
  function control(kind, labelText, value, onInput, extra) {
    const id = "b" + (++uid);
    const label = document.createElement("label");
    label.htmlFor = id;
    let input;
    if (kind === "select") {
      input = document.createElement("select");
      for (const [v, t] of extra.options) {
        const option = document.createElement("option");
        option.value = v;
        option.textContent = t;
        input.append(option);
      }
      input.value = value == null ? "" : String(value);
    } else if (kind === "textarea") {
      input = document.createElement("textarea");
      input.rows = 3;
      input.value = value || "";
    } else {
      input = document.createElement("input");
      input.type = kind;
      if (kind === "checkbox") { input.checked = !!value; label.className = "check"; }
      else { input.value = value == null ? "" : String(value); }
      if (kind === "number") { input.step = "any"; }
    }
    input.id = id;
    const span = document.createElement("span");
    span.textContent = labelText;
    if (kind === "checkbox") { label.append(input, span); } else { label.append(span, input); }
    input.addEventListener(kind === "select" || kind === "checkbox" ? "change" : "input", function () {
      onInput(kind === "checkbox" ? input.checked : input.value, input);
      changed();
    });
    return label;
  }

  function row(...children) {
    const div = document.createElement("div");
    div.className = "builder-row";
    div.append(...children.filter(Boolean));
    return div;
  }

  function number(value) {
    return value === "" ? undefined : Number(value);
  }

  function options(field) {
    return (field.options || []).map(o => o.label).join("\n");
  }

  // The choices typed one a line, in words. A saved choice keeps its code (the answer
  // stored) when its wording changes — found by its wording, else by its place while the
  // number of lines is the same; a new one gets a code from its wording, unique.
  function parseOptions(value, old) {
    const lines = value.split("\n").map(s => s.trim()).filter(Boolean);
    const same = lines.length === old.length;
    const found = lines.map(function (line, i) {
      const kept = old.find(o => o.label === line && !o.auto) || (same && !old[i].auto ? old[i] : null);
      return kept ? { value: kept.value, label: line } : { value: "", label: line, auto: true };
    });
    for (const o of found) {
      if (!o.auto) { continue; }
      const base = slug(o.label);
      o.value = base;
      for (let n = 2; found.some(x => x !== o && x.value === o.value); n++) { o.value = base + "_" + n; }
    }
    return found;
  }

  function specific(field, list, redraw) {
    const set = (key, convert) => value => { field[key] = convert ? convert(value) : value; };
    switch (field.kind) {
      case "text":
        return [row(control("select", "Định dạng", field.format || "", set("format"),
                            { options: Object.entries(FORMATS) }),
                    control("number", "Ít nhất (ký tự)", field.min_length, set("min_length", number)),
                    control("number", "Nhiều nhất (ký tự)", field.max_length, set("max_length", number)),
                    control("checkbox", "Trả lời nhiều dòng", field.multiline, set("multiline")))];
      case "number":
        return [row(control("text", "Đơn vị (m², đồng…)", field.unit, set("unit")),
                    control("number", "Nhỏ nhất", field.minimum, set("minimum", number)),
                    control("number", "Lớn nhất", field.maximum, set("maximum", number))),
                row(control("checkbox", "Số nguyên", field.integer, set("integer")),
                    control("checkbox", "Phải lớn hơn 0", field.positive, set("positive")))];
      case "choice": {
        const choices = control("textarea", "Các phương án (mỗi dòng một phương án)", options(field),
                                function (value) { field.options = parseOptions(value, field.options || []); });
        // the questions asked on one of these choices list them anew once typing stops
        choices.querySelector("textarea").addEventListener("change", redraw);
        return [row(choices,
                    control("select", "Hiển thị", field.display || "radio", set("display"),
                            { options: [["radio", "Nút chọn"], ["select", "Danh sách thả xuống"]] }))];
      }
      case "yesno":
        return [row(control("checkbox", "Phải chọn Có (lời cam kết)", field.must_be_yes, set("must_be_yes")))];
      case "rows":
        return [row(control("number", "Ít nhất (dòng)", field.min_rows, set("min_rows", number)),
                    control("number", "Nhiều nhất (dòng)", field.max_rows, set("max_rows", number))),
                inner(field)];
      case "group":
        return [inner(field)];
      default:
        return [];
    }
  }

  function condition(field, list, redraw) {
    const sources = list.filter(f => f !== field && !f.show_if && (f.kind === "choice" || f.kind === "yesno"));
    if (!sources.length) { return null; }
    const show = field.show_if || null;
    const pick = control("select", "Chỉ hỏi khi", show ? show.field : "", function (value) {
      field.show_if = value ? { field: value, values: [], negate: false } : undefined;
      redraw();
    }, { options: [["", "(luôn hỏi)"], ...sources.map(f => [f.name, f.label || f.name])] });
    if (!show) { return row(pick); }
    const source = sources.find(f => f.name === show.field);
    if (!source) { return row(pick); }
    const negate = control("select", "điều kiện", show.negate ? "not" : "is",
                           function (value) { show.negate = value === "not"; },
                           { options: [["is", "là"], ["not", "không là"]] });
    const values = source.kind === "yesno" ? [[true, "Có"], [false, "Không"]]
      : (source.options || []).map(o => [o.value, o.label]);
    const boxes = values.map(function ([value, label]) {
      return control("checkbox", label, show.values.includes(value), function (on) {
        show.values = show.values.filter(v => v !== value);
        if (on) { show.values.push(value); }
      });
    });
    return row(pick, negate, ...boxes);
  }

  function card(field, list, index, redraw) {
    const item = document.createElement("li");
    item.className = "builder-field";
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = (index + 1) + ". " + (kinds[field.kind] || field.kind) + ": " + (field.label || "(chưa có nhãn)");
    const name = control("text", "Mã trường", field.name, function (value) {
      rename(field, list, value.trim());
      field.auto = false;
    });
    const label = control("text", "Câu hỏi (nhãn)", field.label, function (value) {
      field.label = value;
      legend.textContent = (index + 1) + ". " + (kinds[field.kind] || field.kind) + ": " + (value || "(chưa có nhãn)");
      if (field.auto) {
        rename(field, list, codeFor(value, list, field));
        name.querySelector("input").value = field.name;
      }
    });
    set.append(legend, row(label),
               row(control("checkbox", "Bắt buộc", field.required, v => { field.required = v; }),
                   control("text", "Hướng dẫn (hiện dưới câu hỏi)", field.help, v => { field.help = v; })),
               row(control("checkbox", "Cho người nộp biết", field.told === true, v => { field.told = v; })),
               ...specific(field, list, redraw));
    const when = condition(field, list, redraw);
    if (when) { set.append(when); }
    set.append(codeBox(field, name));
    const actions = document.createElement("div");
    actions.className = "builder-actions";
    const move = function (label, step) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.setAttribute("aria-label", label + ": " + (field.label || field.name));
      button.addEventListener("click", function () {
        const at = list.indexOf(field);
        if (step === 0) { list.splice(at, 1); }
        else {
          const to = at + step;
          if (to < 0 || to >= list.length) { return; }
          list.splice(at, 1);
          list.splice(to, 0, field);
        }
        for (const other of list) {
          if (other.show_if && !list.some(f => f.name === other.show_if.field)) { delete other.show_if; }
        }
        redraw();
        changed();
      });
      return button;
    };
    actions.append(move("Lên", -1), move("Xuống", 1), move("Xóa", 0));
    set.append(actions);
    item.append(set);
    return item;
  }

  // The code only under «Nâng cao», folded: designers work with the question.
  function codeBox(field, name) {
    const box = document.createElement("details");
    box.className = "builder-code";
    const summary = document.createElement("summary");
    summary.textContent = "Nâng cao";
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Mã trường là tên lưu câu trả lời, tự đặt theo câu hỏi (không dấu, không trùng); " +
      "sau khi lưu, mã giữ nguyên dù sửa câu hỏi để các câu trả lời đã lưu không bị mất.";
    box.append(summary, row(name), hint);
    if (field.kind === "choice") {
      const codes = document.createElement("p");
      codes.className = "hint";
      codes.textContent = "Mã các phương án: " + (field.options || []).map(o => o.value + " = «" + o.label + "»").join("; ") + ".";
      box.append(codes);
    }
    return box;
  }

  function inner(field) {
    field.fields = field.fields || [];
    const box = document.createElement("div");
    box.className = "builder-inner";
    const heading = document.createElement("p");
    heading.textContent = field.kind === "rows" ? "Các trường của mỗi dòng" : "Các trường trong nhóm";
    const list = document.createElement("ol");
    box.append(heading, list, adder(field.fields, function () { draw(list, field.fields); }));
    draw(list, field.fields);
    return box;
  }

  function adder(fields, redraw) {
    const picker = control("select", "Thêm trường loại", "text", function () {}, { options: Object.entries(kinds) });
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Thêm trường";
    button.addEventListener("click", function () {
      fields.push(fresh(picker.querySelector("select").value, fields));
      redraw();
      changed();
    });
    return row(picker, button);
  }

  function fresh(kind, fields) {
    const field = { kind: kind, label: "Trường " + (fields.length + 1), required: false, auto: true };
    field.name = codeFor(field.label, fields, field);
    if (kind === "choice") { field.options = [{ value: "co", label: "Có" }, { value: "khong", label: "Không" }]; field.display = "radio"; }
    if (kind === "group" || kind === "rows") { field.fields = [fresh("text", [])]; }
    return field;
  }

  function draw(list, fields) {
    const redraw = function () { draw(list, fields); };
    list.replaceChildren(...fields.map((f, i) => card(f, fields, i, redraw)));
  }

  function drawAll() {
    title.value = model.title || "";
    draw(document.getElementById("fields"), model.fields);
  }

  // ---- the start form's papers ------------------------------------------------------------
  const TYPES = ["pdf", "png", "jpg"];
  function paperCard(paper, index) {
    const item = document.createElement("li");
    item.className = "builder-field";
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = "Giấy tờ " + (index + 1) + ": " + (paper.name || "(chưa có tên)");
    const name = control("text", "Tên giấy tờ", paper.name, function (value) {
      paper.name = value;
      legend.textContent = "Giấy tờ " + (index + 1) + ": " + (value || "(chưa có tên)");
    });
    const whole = v => (v === "" ? 0 : Number(v));
    set.append(legend, row(name),
      row(control("number", "Số bản chính", paper.originals, v => { paper.originals = whole(v); }),
          control("number", "Số bản sao", paper.copies, v => { paper.copies = whole(v); }),
          control("checkbox", "Bắt buộc", paper.required, v => { paper.required = v; })),
      row(...TYPES.map(t => control("checkbox", "Nhận tệp " + t, (paper.accept || TYPES).includes(t), function (on) {
            const now = (paper.accept || TYPES).filter(x => x !== t);
            paper.accept = on ? TYPES.filter(x => now.includes(x) || x === t) : now;
          })),
          control("number", "Tối đa mỗi tệp (MB)", paper.max_size_mb, v => { paper.max_size_mb = number(v); })));
    const actions = document.createElement("div");
    actions.className = "builder-actions";
    for (const [label, step] of [["Lên", -1], ["Xuống", 1], ["Xóa", 0]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.setAttribute("aria-label", label + ": giấy tờ " + (paper.name || index + 1));
      button.addEventListener("click", function () {
        const at = papers.indexOf(paper);
        papers.splice(at, 1);
        if (step !== 0) { papers.splice(Math.max(0, Math.min(papers.length, at + step)), 0, paper); }
        drawPapers();
        changed();
      });
      actions.append(button);
    }
    set.append(actions);
    item.append(set);
    return item;
  }
  function drawPapers() {
    document.getElementById("papers").replaceChildren(...papers.map(paperCard));
  }
  document.getElementById("add-paper").addEventListener("click", function () {
    papers.push({ name: "", originals: 1, copies: 0, required: true });
    drawPapers();
    changed();
  });

  // ---- modes --------------------------------------------------------------------------------
  function mode(useBuilder) {
    clearTimeout(rawTimer);
    rawSerial++;  // a preview of the JSON text still on its way is not shown
    builder.hidden = !useBuilder;
    advanced.hidden = useBuilder;
    modeBuilder.setAttribute("aria-pressed", String(useBuilder));
    modeAdvanced.setAttribute("aria-pressed", String(!useBuilder));
  }

  function open(found) {
    if (found.model) {
      model = found.model;
      for (const f of model.fields) { f.auto = false; }
      why.hidden = true;
      drawAll();
      if (!advancedChosen) {
        mode(true);
        rebuild();
      }
    } else {
      why.textContent = found.why;
      why.hidden = false;
      document.getElementById("advanced-tools").open = true;
      mode(false);
    }
  }

  modeBuilder.addEventListener("click", async function () {
    advancedChosen = false;
    text.readOnly = true;  // what is typed while the text is read would be written over
    try {
      open(await post(builder.dataset.read, { schema: text.value }));
    } finally {
      text.readOnly = false;
    }
  });
  modeAdvanced.addEventListener("click", function () {
    advancedChosen = true;
    mode(false);
  });
  title.addEventListener("input", function () { model.title = title.value; changed(); });
  document.getElementById("add-field").addEventListener("click", function () {
    model.fields.push(fresh(document.getElementById("add-kind").value, model.fields));
    drawAll();
    changed();
  });
  for (const button of document.querySelectorAll(".preview-width")) {
    button.addEventListener("click", function () {
      for (const other of document.querySelectorAll(".preview-width")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      preview.classList.toggle("preview-phone", button.dataset.width === "phone");
      preview.classList.toggle("preview-desktop", button.dataset.width !== "phone");
    });
  }

  // The raw view: the schema typed, previewed as it is (the newest answer only).
  text.addEventListener("input", function () {
    clearTimeout(rawTimer);
    rawTimer = setTimeout(async function () {
      const mine = ++rawSerial;
      const answer = await post(save.dataset.preview, { schema: text.value });
      if (mine === rawSerial) { showPreview(answer); }
    }, 300);
  });

  // What is saved is what is on screen at the click: the model is built for the save
  // itself (the preview's build may still be on its way, or be of an older model).
  async function builtNow() {
    const answer = await post(builder.dataset.build, { model: model, papers: papers });
    if (!answer.schema) {
      showProblems(answer.problems || []);
      return null;
    }
    return answer;
  }

  window.oneSaveAtATime(save, async function () {
    const status = document.getElementById("save-result");
    status.textContent = "Đang lưu và kiểm tra…";  // at once: the form is built first
    const files = {};
    const fields = model ? model.fields.slice() : [];  // frozen once saved, not those added meanwhile
    if (!builder.hidden) {
      // A model left as it was opened is saved as the files were: no new draft for nothing.
      const same = loaded && JSON.stringify(model) === loaded.model;
      const built = same ? null : await builtNow();
      if (!same && !built) {
        status.textContent = "Biểu mẫu chưa hợp lệ: sửa các mục trong «Cần sửa trước khi lưu».";
        return;
      }
      files[save.dataset.path] = same ? loaded.schema : built.schema;
      if (uiPath && !same) { files[uiPath] = built.ui; }
      if (papers && (!loaded || JSON.stringify(papers) !== loaded.papers)) {
        const answer = await post(document.getElementById("papers-section").dataset.url, { papers: papers });
        if (!answer.procedure) {
          showProblems(answer.problems || []);
          status.textContent = "Giấy tờ nộp kèm chưa hợp lệ: sửa các mục trong «Cần sửa trước khi lưu».";
          return;
        }
        files["procedure.json"] = answer.procedure;
      }
    } else {
      files[save.dataset.path] = text.value;
    }
    const answer = await window.saveDraft(save.dataset.url, files, status);
    if (answer && answer.version && !builder.hidden) { freeze(fields); }
  });

  fetch(builder.dataset.model).then(r => r.json()).then(function (found) {
    kinds = found.kinds;
    uiPath = found.ui_path;
    if (found.start) {
      papers = found.papers;
      document.getElementById("papers-section").hidden = false;
      drawPapers();
    }  // written beside the form (added when the package has none)
    const add = document.getElementById("add-kind");
    add.replaceChildren(...Object.entries(kinds).map(function ([value, label]) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      return option;
    }));
    open(found);
    loaded = { model: JSON.stringify(model), papers: JSON.stringify(papers), schema: found.schema };
    builder.inert = false;
    builder.removeAttribute("aria-busy");
    save.removeAttribute("aria-disabled");
  }).catch(function () {
    why.textContent = "Không tải được trình dựng biểu mẫu (mất kết nối?): tải lại trang, " +
      "hoặc sửa trực tiếp ở mục «Nâng cao (JSON Schema)».";
    why.hidden = false;
    document.getElementById("advanced-tools").open = true;
    mode(false);
    save.removeAttribute("aria-disabled");
  });
})();
