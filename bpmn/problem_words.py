"""A validation report as a process designer reads it (designers are administrative officers,
not programmers): each problem says which step, lane, flow or field it is about by the name
the builder shows (`where`), and what is wrong and what to do in plain Vietnamese (`words`),
never a diagram element id, a JSON pointer, a schema keyword, a file name or English library
text; those stay in `technical`, for the page's folded «Chi tiết kỹ thuật»."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bpmn.package_names import PackageNames, field_words, package_names

FileWords = Callable[[str], str]

_QUOTED = re.compile(r"'([^']*)'")
_REFUSED = re.compile(r"'(.*?)' bị từ chối")
_FORM_PATH = re.compile(r"forms/[\w.\-]+\.json")
_PACKAGE_FILE = re.compile(r"\b[\w\-/]+\.(?:bpmn|dmn)\b|procedure\.json|[\w\-/]+\.(?:schema|ui)\.json")
_TECHNICAL = re.compile(r"\s*\((?:thuộc tính \w+|lane|roles: [^)]*)\)")
_ENGLISH = re.compile(r"\b(?:is not|is a|is too|does not|should|under any|of the given|"
                      r"required property|additional properties|Failed validating)\b")
_SCHEMA_TYPES = "chữ, số, số nguyên, đúng/sai, danh sách, nhóm"
# The reasons that need the words of the package (the roles' labels, a quoted value).
_KNOWN = ("task.no_lane", "task.unknown_role", "task.no_form", "form.missing", "task.deadline",
          "expression.invalid", "timer.invalid", "form.schema", "form.json", "manifest.json",
          "bpmn.xsd", "bpmn.spiff")


def report_in_words(texts: Mapping[str, str], report: Mapping[str, Any]) -> dict[str, Any]:
    """`report` (as `Report.as_dict`) with each problem told in words: `where` (what it is
    about, by name), `file_words` (its file by what it is), `words` (what is wrong and what
    to do) and `technical` (code, file, line, element, original message); and `files`, each
    file of `texts` by what it is."""
    names = package_names(texts)
    problems = [problem_in_words(names, p) for p in report.get("problems") or []]
    return {**report, "problems": problems, "files": names.files}


def problem_in_words(names: PackageNames, problem: Mapping[str, Any]) -> dict[str, Any]:
    """One problem (a `Problem.as_dict`) with `where`, `file_words`, `words`, `technical`."""
    file = str(problem.get("file") or "")
    element = str(problem.get("element") or "")
    message = str(problem.get("message") or "")
    where = _where(names, file, element)
    words = _rewrite(names, str(problem.get("code") or ""), message, where)
    line = problem.get("line")
    technical = " · ".join(part for part in (
        str(problem.get("code") or ""), f"{file}, dòng {line}" if line else file, element,
        message if words != message else "") if part)
    return {**problem, "where": where, "file_words": _file(names, file), "words": words,
            "technical": technical}


def _file(names: PackageNames, path: str) -> str:
    if not path:
        return ""
    if path in names.files:
        return names.files[path]
    if path.startswith("forms/"):
        return "Biểu mẫu"
    return "Sơ đồ quy trình" if path.endswith(".bpmn") else "Gói thủ tục"


def _where(names: PackageNames, file: str, element: str) -> str:
    """What the problem is about, by its visible name ("" when only its file says it)."""
    if not element:
        return ""
    if file.endswith(".bpmn") or element in names.elements:
        return names.elements.get(element, "Một phần của sơ đồ")
    if file.startswith("forms/"):
        schema = names.schemas.get(file)
        if schema is None and file.endswith(".ui.json"):
            schema = names.schemas.get(file.removesuffix(".ui.json") + ".schema.json")
        found = field_words(schema or {}, element) if element.startswith("/") else ""
        return found or "Cả biểu mẫu"
    if file == "procedure.json":
        return _manifest_part(element)
    return ""


def _manifest_part(element: str) -> str:
    head, _, rest = element.partition(".")
    number = rest.split(".")[0]
    order = f" thứ {int(number) + 1}" if number.isdigit() else ""
    return {"fees": f"Khoản phí{order}", "components": f"Giấy tờ{order}",
            "legal_basis": f"Căn cứ pháp lý dòng{order.replace(' thứ', '')}",
            "roles": "Người xử lý", "applicant": "Thông tin người nộp",
            "start_form": "Đơn nộp hồ sơ", "processing_time": "Thời hạn giải quyết",
            "name": "Tên thủ tục", "code": "Mã thủ tục"}.get(head, "Thông tin thủ tục")


def _rewrite(names: PackageNames, code: str, message: str, where: str) -> str:
    """What is wrong and what to do, with no code in it."""
    if code in _KNOWN:
        said = _known(names, code, message, where)
        if said:
            return said
    return _plain(names, message)


def _quoted(message: str) -> str:
    found = _REFUSED.search(message) or _QUOTED.search(message)
    return found.group(1) if found else ""


def _known(names: PackageNames, code: str, message: str, where: str) -> str:
    roles = ", ".join(f"«{label}»" for _, label in sorted(names.roles.items()))
    value = _quoted(message)
    said = {
        "task.no_lane": "Bước này chưa có người xử lý: kéo bước vào làn của người xử lý trên "
                        "sơ đồ, hoặc chọn «Người xử lý» của bước.",
        "task.unknown_role": f"Làn của bước này không phải người xử lý nào của thủ tục (có: "
                             f"{roles}): chọn lại người xử lý của làn, hoặc chọn «Người xử lý» "
                             "khác cho bước.",
        "task.no_form": "Bước do cán bộ xử lý cần một biểu mẫu: chọn «Biểu mẫu» của bước.",
        "expression.invalid": f"Điều kiện «{value}» không dùng được: "
                              f"{_plain(names, message.split(' bị từ chối: ', 1)[-1])}",
        "timer.invalid": "Thời gian chờ của hẹn giờ không đọc được: nhập lại bằng một số và một "
                         "đơn vị, ví dụ «10 ngày làm việc».",
        "form.json": "Biểu mẫu bị hỏng, không đọc được: mở lại biểu mẫu trong trình dựng biểu "
                     "mẫu và lưu, hoặc tải lên lại tệp đúng.",
        "manifest.json": "Thông tin thủ tục bị hỏng, không đọc được: tải lên lại gói đúng, "
                         "hoặc tạo lại thủ tục bằng «Tạo thủ tục mới».",
        "bpmn.xsd": "Sơ đồ quy trình bị hỏng, không đọc được: mở lại trong trình vẽ và lưu, "
                    "hoặc tải lên lại tệp sơ đồ đúng.",
        "bpmn.spiff": "Sơ đồ quy trình có phần không chạy được: xem phần được đánh dấu trên sơ "
                      "đồ, sửa hoặc xóa nó rồi lưu lại.",
    }.get(code, "")
    if code == "timer.invalid" and "quá dài" in message:
        said = ""
    elif code == "form.missing" and where and (found := _FORM_PATH.search(message)) and \
            found.group() in names.files:  # there, but refused for problems of its own
        form = names.files[found.group()]
        said = (f"Biểu mẫu của bước này chưa dùng được vì chính nó có lỗi: sửa trước các lỗi "
                f"của {form[0].lower()}{form[1:]} trong danh sách này.")
    elif code == "form.missing":
        said = ("Bước này dùng một biểu mẫu không có trong thủ tục: chọn lại «Biểu mẫu» của "
                "bước." if where else "Thủ tục chưa có đơn nộp hồ sơ: tạo lại đơn nộp hồ sơ "
                "trong trình dựng biểu mẫu.")
    elif code == "task.deadline" and "quá dài" not in message:
        said = ("Thời hạn của bước không đọc được: nhập lại thời hạn bằng một số và một đơn vị, "
                "ví dụ «10 ngày làm việc».")
    elif code == "form.schema" and (message.startswith("JSON Schema") or _ENGLISH.search(message)):
        said = _schema_words(value)
    return said


def _schema_words(value: str) -> str:
    """A schema keyword refused by the JSON Schema library (its text is English)."""
    shown = f" («{value}»)" if value else ""
    return (f"Cách khai báo trường này không đúng{shown}: mở biểu mẫu trong trình dựng biểu mẫu, "
            f"chọn lại kiểu của trường ({_SCHEMA_TYPES}) rồi lưu.")


def _plain(names: PackageNames, message: str) -> str:
    """`message` with element ids, file names and bracketed codes said in words."""
    said = _TECHNICAL.sub("", message)
    said = _PACKAGE_FILE.sub(lambda m: f"«{_file(names, m.group())}»", said)
    for element, words in sorted(names.elements.items(), key=lambda kv: -len(kv[0])):
        if len(element) > 2:
            said = re.sub(rf"(?<![\w«]){re.escape(element)}(?![\w»])", words, said)
    return said.replace("ISO-8601", "").replace("  ", " ")
