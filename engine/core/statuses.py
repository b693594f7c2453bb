"""The ten national dossier status codes (DOMAIN.md, "The dossier lifecycle").

`Status` is an IntEnum: it is stored, compared and sent as the bare national code (the
database column, the API's `status`, the national portal all speak 1…10), but code names
it, so no module needs to know that 9 means "done".
"""

from __future__ import annotations

from enum import IntEnum

from bpmn.words import STATUS_LEGAL_NAMES, STATUS_NAMES


class Status(IntEnum):
    """A dossier's national status (Quyết định 766/QĐ-TTg; TT 01/2018/TT-VPCP)."""

    REGISTERED = 1  # Mới đăng ký: submitted, not yet received
    RECEIVED = 2  # Được tiếp nhận
    NOT_RECEIVED = 3  # Không được tiếp nhận: refused at reception
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT = 5  # Chờ bổ sung (legally "Yêu cầu bổ sung"): waiting for the papers
    PAYMENT = 6  # Chờ nộp phí ("Yêu cầu nghĩa vụ tài chính"): waiting for the fee
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    DONE = 9  # Đã xử lý xong: the result waits to be handed back
    RETURNED = 10  # Đã trả kết quả

    @property
    def label(self) -> str:
        """The status's Vietnamese name, as the pages say it."""
        return STATUS_LABELS[self]

    @property
    def legal_label(self) -> str:
        """The decision's name (QĐ 766), for the national portal and legal papers."""
        return STATUS_LEGAL_LABELS[self]


# The names live with the package format (`bpmn.words`): a diagram's `status` property is
# one of these codes, and the version comparison names it as the pages do.
# One plain label per status for people; the legal one only where a legal paper or the
# national portal must carry it.
STATUS_LABELS: dict[int, str] = {Status(code): name for code, name in STATUS_NAMES.items()}
STATUS_LEGAL_LABELS: dict[int, str] = {Status(code): name
                                       for code, name in STATUS_LEGAL_NAMES.items()}

# Before any result: the applicant may still withdraw.
OPEN_STATUSES = (Status.REGISTERED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT,
                 Status.PAYMENT)
# The dossier is over: refused, withdrawn, stopped, done, handed back.
FINAL_STATUSES = (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.DONE,
                  Status.RETURNED)
# A result (or a refusal) exists: the applicant may rate the service.
RATABLE_STATUSES = (Status.NOT_RECEIVED, Status.DONE, Status.RETURNED)
# The applicant is asked for something; the legal clock waits.
WAITING_FOR_APPLICANT = (Status.SUPPLEMENT, Status.PAYMENT)
