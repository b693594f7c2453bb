// bpmn-js in Vietnamese for the modeler page: its `translate` service (as dmn-editor.js does
// for dmn-js) names the context pad, the palette and the «Đổi loại» menu in the designer's
// words; the palette's icons get a title (a tooltip on hover). Read by modeler.js as
// `window.MODELER_WORDS.module` (an additional bpmn-js module).
(function () {
  "use strict";
  const WORDS = {
    // Context pad
    "Append task": "Thêm bước sau (bước do cán bộ xử lý)",
    "Append end event": "Thêm điểm kết thúc", "Append gateway": "Thêm cổng rẽ nhánh",
    "Append intermediate/boundary event": "Thêm bước chờ / hẹn giờ",
    "Append compensation activity": "Thêm bước bù trừ",
    "Append receive task": "Thêm bước chờ nhận tin",
    "Append message intermediate catch event": "Thêm bước chờ tin nhắn",
    "Append timer intermediate catch event": "Thêm bước chờ hẹn giờ",
    "Append conditional intermediate catch event": "Thêm bước chờ điều kiện",
    "Append signal intermediate catch event": "Thêm bước chờ tín hiệu",
    "Add text annotation": "Thêm ghi chú", "Delete": "Xóa", "Change element": "Đổi loại",
    "Connect to other element": "Nối tới phần tử khác",
    "Connect using association": "Nối ghi chú", "Connect using data input association": "Nối dữ liệu",
    "Add lane above": "Thêm làn phía trên", "Add lane below": "Thêm làn phía dưới",
    "Divide into two lanes": "Chia thành hai làn", "Divide into three lanes": "Chia thành ba làn",
    "Toggle non-interrupting": "Bật / tắt: không dừng bước",
    "Open {element}": "Mở {element}", "Open entry documentation": "Xem hướng dẫn",
    // Palette
    "Activate hand tool": "Kéo sơ đồ (bàn tay)", "Activate lasso tool": "Chọn nhiều phần tử (khoanh vùng)",
    "Activate create/remove space tool": "Thêm / bớt khoảng trống",
    "Activate global connect tool": "Nối hai phần tử", "Create start event": "Tạo điểm bắt đầu",
    "Create intermediate/boundary event": "Tạo bước chờ / hẹn giờ", "Create end event": "Tạo điểm kết thúc",
    "Create gateway": "Tạo cổng rẽ nhánh", "Create task": "Tạo bước (do cán bộ xử lý)",
    "Create data object reference": "Tạo dữ liệu, giấy tờ", "Create data store reference": "Tạo kho dữ liệu",
    "Create expanded sub-process": "Tạo quy trình con", "Create pool/participant": "Tạo khung quy trình",
    "Create group": "Tạo nhóm", "Search in diagram": "Tìm trong sơ đồ",
    "Align elements": "Căn thẳng hàng", "Distribute elements horizontally": "Giãn đều theo chiều ngang",
    "Distribute elements vertically": "Giãn đều theo chiều dọc",
    // «Đổi loại» (replace) menu
    "Task": "Bước không cần xử lý", "User task": "Bước do cán bộ xử lý",
    "Business rule task": "Bảng quyết định", "Service task": "Bước tự động",
    "Script task": "Bước tự động (kịch bản)", "Send task": "Bước gửi tin", "Receive task": "Bước nhận tin",
    "Manual task": "Bước làm ngoài hệ thống", "Call activity": "Gọi quy trình khác",
    "Sub-process": "Quy trình con", "Sub-process (collapsed)": "Quy trình con (thu gọn)",
    "Sub-process (expanded)": "Quy trình con (mở rộng)", "Ad-hoc sub-process": "Quy trình con tự do",
    "Ad-hoc sub-process (collapsed)": "Quy trình con tự do (thu gọn)",
    "Ad-hoc sub-process (expanded)": "Quy trình con tự do (mở rộng)",
    "Event sub-process": "Quy trình con theo sự kiện", "Transaction": "Giao dịch",
    "Exclusive gateway": "Cổng rẽ nhánh (một nhánh)", "Parallel gateway": "Cổng song song",
    "Inclusive gateway": "Cổng rẽ nhánh (nhiều nhánh)", "Complex gateway": "Cổng phức hợp",
    "Event-based gateway": "Cổng theo sự kiện", "Sequence flow": "Luồng thường",
    "Default flow": "Luồng mặc định", "Conditional flow": "Luồng có điều kiện",
    "Empty pool/participant": "Khung quy trình thu gọn", "Expanded pool/participant": "Khung quy trình đầy đủ",
    "Data object reference": "Dữ liệu, giấy tờ", "Data store reference": "Kho dữ liệu",
    "Start event": "Điểm bắt đầu", "End event": "Điểm kết thúc", "Boundary event": "Sự kiện gắn với bước",
    "Intermediate throw event": "Sự kiện trung gian", "Timer boundary event": "Hẹn giờ gắn với bước",
    "Timer intermediate catch event": "Chờ hẹn giờ", "Terminate end event": "Kết thúc hẳn",
    "Loop": "Lặp", "Parallel multi-instance": "Nhiều lượt song song",
    "Sequential multi-instance": "Nhiều lượt lần lượt", "Participant multiplicity": "Nhiều bên tham gia",
    "Ad-hoc": "Tự do", "Compensation": "Bù trừ"
  };
  // Events not listed one by one: "<kind> <where> event" in the designer's words.
  const EVENT_KINDS = { Message: "tin nhắn", Timer: "hẹn giờ", Conditional: "điều kiện",
                        Signal: "tín hiệu", Error: "lỗi", Escalation: "chuyển cấp trên",
                        Compensation: "bù trừ", Cancel: "hủy", Link: "liên kết" };
  const EVENT_PLACES = { "start event": "Bắt đầu", "end event": "Kết thúc",
                         "boundary event": "Gắn với bước", "intermediate catch event": "Chờ",
                         "intermediate throw event": "Phát" };
  function words(template) {
    if (WORDS[template]) { return WORDS[template]; }
    const interrupting = / \(non-interrupting\)$/.exec(template);
    if (interrupting) { return words(template.slice(0, interrupting.index)) + " (không dừng bước)"; }
    const match = /^(\w+) (start event|end event|boundary event|intermediate catch event|intermediate throw event)$/
      .exec(template);
    if (match && EVENT_KINDS[match[1]]) { return EVENT_PLACES[match[2]] + ": " + EVENT_KINDS[match[1]]; }
    return template;
  }
  function translate(template, replacements) {
    return words(template).replace(/{([^}]+)}/g, (_, key) => (replacements || {})[key] || "{" + key + "}");
  }
  window.MODELER_WORDS = { translate: translate, module: { translate: ["value", translate] } };
})();
