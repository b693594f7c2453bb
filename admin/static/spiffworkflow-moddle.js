// The SpiffWorkflow extension elements our packages use (<spiffworkflow:properties> with
// <spiffworkflow:property name value>; a business rule task's
// <spiffworkflow:calledDecisionId>), described for bpmn-js so that it keeps and edits them:
// an element of this namespace left undescribed is dropped when the modeler saves.
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
                   { name: "value", isAttr: true, type: "String" }] },
    { name: "CalledDecisionId", superClass: ["Element"],
      properties: [{ name: "value", isBody: true, type: "String" }] }
  ]
};
