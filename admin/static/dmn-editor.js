// The decision table editor: the package's .dmn table in dmn-js's decision table view
// (vendored, pinned); saving sends the table's XML to become a new draft version, checked
// statically (bpmn/dmn.py) and by the package's tests like any upload.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dmn-data").textContent);
  const save = document.getElementById("save-table");
  const failed = document.getElementById("dmn-load-error");
  const modeler = new window.DmnJS({ container: "#dmn-canvas" });
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
