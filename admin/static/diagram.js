// The version page: render the diagram (bpmn-js viewer), mark each element a finding
// points at, name lanes by their role's label and deadlines in words, and let the list of
// findings and steps select elements on the drawing.
(async function () {
  const data = JSON.parse(document.getElementById("bench-data").textContent);
  const names = Object.keys(data.diagrams).sort();
  const container = document.getElementById("canvas");
  if (!names.length || !container) { return; }
  const viewer = new window.BpmnJS({ container: container,
                                     moddleExtensions: { spiffworkflow: window.SPIFFWORKFLOW_MODDLE } });
  const picker = document.getElementById("diagram-file");
  async function show(name) {
    try {
      await viewer.importXML(data.diagrams[name]);
    } catch (error) {
      window.noteUndrawable(container, name, error);
      return;
    }
    window.noteUndrawable(container, name, null);
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    canvas.zoom("fit-viewport");
    for (const problem of data.report.problems) {
      if (!problem.element || !registry.get(problem.element)) { continue; }
      canvas.addMarker(problem.element, "problem-" + problem.severity);
      const badge = document.createElement("span");
      badge.className = "problem-badge " + problem.severity;
      badge.textContent = problem.severity === "error" ? "Lỗi" : "Cảnh báo";
      badge.title = problem.message;
      overlays.add(problem.element, { position: { top: -14, left: 0 }, html: badge });
    }
    // A test run: the steps done, those waiting and the ends reached.
    for (const [ids, marker] of [[data.path || [], "path-done"], [data.waiting || [], "path-waiting"],
                                 [data.ends_reached || [], "path-done"]]) {
      for (const id of ids) { if (registry.get(id)) { canvas.addMarker(id, marker); } }
    }
    // Where the process loses time: each step's figures on the drawing, in words.
    for (const [id, step] of Object.entries(data.steps || {})) {
      if (!registry.get(id)) { continue; }
      const label = document.createElement("span");
      label.className = "step-time" + (step.late_share >= 0.2 ? " slow" : "");
      label.textContent = step.count + " lượt · trung vị " + step.median_hours + " giờ · p90 " +
        step.p90_hours + " giờ · trễ " + Math.round(step.late_share * 100) + "%";
      overlays.add(id, { position: { top: -22, left: -10 }, html: label });
      if (step.late_share >= 0.2) { canvas.addMarker(id, "bottleneck"); }
    }
    for (const [id, task] of Object.entries(data.tasks)) {
      if (!registry.get(id) || !task.deadline) { continue; }
      const chip = document.createElement("span");
      chip.className = "deadline-chip";
      chip.textContent = task.deadline_words || task.deadline;
      chip.title = task.deadline;
      overlays.add(id, { position: { bottom: 10, right: 10 }, html: chip });
    }
    // Lanes by their role's label ("Bộ phận Một cửa", not mot_cua): bpmn-js's own text (the
    // code) hidden by the marker's CSS (diagram.css).
    for (const lane of registry.filter(e => e.type === "bpmn:Lane")) {
      canvas.addMarker(lane.id, "role-lane");
      const role = lane.businessObject.name || "";
      const chip = document.createElement("span");
      chip.className = "lane-label";
      chip.textContent = (data.role_labels || {})[role] || role;
      chip.title = role;
      overlays.add(lane.id, { position: { top: 3, left: 120 }, html: chip });
    }
    container.dataset.rendered = name;
  }
  document.querySelectorAll("[data-element]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      const id = link.dataset.element;
      const registry = viewer.get("elementRegistry");
      if (registry.get(id)) {
        viewer.get("selection").select(registry.get(id));
        viewer.get("canvas").scrollToElement(registry.get(id));
      }
    });
  });
  // One diagram drawn after another, in the order chosen: the last one chosen is the one shown.
  let drawing = Promise.resolve();
  function choose(name) {
    drawing = drawing.then(() => show(name)).catch(error => window.noteUndrawable(container, name, error));
    return drawing;
  }
  if (picker) { picker.addEventListener("change", function () { choose(picker.value); }); }
  await choose(names.includes("process.bpmn") ? "process.bpmn" : names[0]);
})();
