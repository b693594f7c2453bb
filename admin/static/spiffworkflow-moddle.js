// The SpiffWorkflow extension elements our packages use (<spiffworkflow:properties> with
// <spiffworkflow:property name value>), described for bpmn-js so that it keeps and edits them.
window.SPIFFWORKFLOW_MODDLE = {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: { tagAlias: "lowerCase" },
  types: [
    { name: "Properties", superClass: ["Element"],
      properties: [{ name: "properties", type: "Property", isMany: true }] },
    { name: "Property", superClass: ["Element"],
      properties: [{ name: "name", isAttr: true, type: "String" },
                   { name: "value", isAttr: true, type: "String" }] }
  ]
};
