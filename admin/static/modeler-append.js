// «Thêm bước sau» on the modeler's context pad, the way a designer means it: the new step is
// an officer's step (bpmn:UserTask, named «Bước mới» by modeler.js); appended to a step that
// already goes on somewhere, it is inserted between the step and what came next (room is
// made on the drawing, the old flow now ends at the new step, a new flow leads on), so no
// flow is drawn over another. From a gateway, or a step with no way out yet, it is placed by
// bpmn-js's auto-place (a gateway's new branch). Read by modeler.js as `window.MODELER_APPEND`
// (an additional bpmn-js module). The palette's «Tạo bước» also makes an officer's step.
(function () {
  "use strict";
  const GAP = 50;
  const STEP = "bpmn:UserTask";

  function StepAppender(contextPad, elementFactory, autoPlace, modeling, create, selection,
                        directEditing, spaceTool, canvas, palette) {
    function ways(source) {
      return (source.outgoing || []).filter(c => c.type === "bpmn:SequenceFlow");
    }

    function insertAfter(source, shape, flow) {
      const next = flow.target;
      const right = source.x + source.width;
      const start = right + GAP / 2;
      const needed = shape.width + 2 * GAP;
      const room = next.x - right;
      if (room < needed) {
        const delta = room < 0 ? needed : needed - room;
        const all = canvas.getRootElement().children.flatMap(function everything(e) {
          return [e, ...(e.children || []).flatMap(everything)];
        });
        const adjust = spaceTool.calculateAdjustments(all, "x", delta, start);
        spaceTool.makeSpace(adjust.movingShapes, adjust.resizingShapes, { x: delta, y: 0 }, "e", start);
      }
      const placed = modeling.createShape(shape, { x: right + GAP + shape.width / 2,
                                                   y: source.y + source.height / 2 }, source.parent);
      modeling.reconnectEnd(flow, placed, { x: placed.x, y: placed.y + placed.height / 2 });
      modeling.connect(placed, next, { type: "bpmn:SequenceFlow" });
      selection.select(placed);
      directEditing.activate(placed);
      return placed;
    }

    function append(source) {
      const shape = elementFactory.createShape({ type: STEP });
      const after = ways(source);
      if (/Gateway$/.test(source.type) || !after.length) {
        autoPlace.append(source, shape);
        return;
      }
      insertAfter(source, shape, after[0]);
    }

    this.getContextPadEntries = function (element) {
      return function (entries) {
        const entry = entries["append.append-task"];
        if (!entry) { return entries; }
        entries["append.append-task"] = Object.assign({}, entry, {
          action: {
            click: function (event, source) { append(source); },
            dragstart: function (event, source) {
              create.start(event, elementFactory.createShape({ type: STEP }), { source: source });
            }
          }
        });
        return entries;
      };
    };
    contextPad.registerProvider(500, this);
    // The palette's «Tạo bước» makes an officer's step too.
    palette.registerProvider(500, {
      getPaletteEntries: function () {
        return function (entries) {
          const entry = entries["create.task"];
          if (!entry) { return entries; }
          function start(event) { create.start(event, elementFactory.createShape({ type: STEP })); }
          entries["create.task"] = Object.assign({}, entry, { action: { click: start, dragstart: start } });
          return entries;
        };
      }
    });
  }
  StepAppender.$inject = ["contextPad", "elementFactory", "autoPlace", "modeling", "create",
                          "selection", "directEditing", "spaceTool", "canvas", "palette"];

  window.MODELER_APPEND = { __init__: ["stepAppender"], stepAppender: ["type", StepAppender] };
})();
