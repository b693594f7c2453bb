// Shared by the diagram viewer and the modeler: what the page says when a diagram cannot be
// drawn (a BPMN file written without its drawing — no BPMNDiagram part — still validates
// and runs, but bpmn-js has nothing to show). `error` null: the note goes away.
window.noteUndrawable = function (container, name, error) {
  let note = document.getElementById("diagram-undrawable");
  if (!error) {
    if (note) { note.remove(); }
    return;
  }
  if (!note) {
    note = document.createElement("p");
    note.id = "diagram-undrawable";
    note.className = "callout";
    note.setAttribute("role", "status");
    container.before(note);
  }
  note.textContent = /no diagram to display/.test(String(error.message))
    ? "Tệp " + name + " không có bản vẽ (phần BPMNDiagram): quy trình vẫn được kiểm tra và " +
      "chạy như bình thường, nhưng không vẽ được ở đây. Mở tệp bằng một công cụ vẽ BPMN " +
      "(như Camunda Modeler) rồi lưu lại để có bản vẽ."
    : "Không vẽ được sơ đồ " + name + ": " + error.message;
};
