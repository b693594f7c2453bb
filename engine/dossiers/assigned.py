"""The e-mail an officer gets when a leader gives them work («Giao việc»): one message per
assignment, however many tasks it gives, listing each dossier's code, the step, its due
time in words and a link to the task. Written to the notifications outbox in the
assignment's transaction (the worker's e-mail gateway delivers it), addressed to the
officer's account and not to a dossier: a dossier's notices are the applicant's.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.core.actors import Actor
from engine.core.clock import instant_words, local_iso
from engine.core.models import Account, Task
from engine.core.uow import UnitOfWork
from engine.records.mail_words import SIGNATURE, mail_subject
from engine.records.outbox import enqueue


def _line(task: Task, task_link: str) -> str:
    """One task of the message: «Hồ sơ <code>: bước «<name>», hạn <giờ ngày>» and its link."""
    due = (f"hạn {instant_words(local_iso(task.due_at) or '')}" if task.due_at
           else "không đặt hạn")
    line = f"- Hồ sơ {task.dossier.code}: bước «{task.name}», {due}."
    return f"{line}\n  {task_link.rstrip('/')}/{task.id}" if task_link else line


def assignment_mail(leader: Actor, tasks: Sequence[Task], *, task_link: str) -> tuple[str, str]:
    """The subject and body of the e-mail telling an officer what `leader` gave them."""
    if len(tasks) == 1:
        [task] = tasks
        subject = mail_subject(f"Bạn được giao: «{task.name}» — hồ sơ {task.dossier.code}")
        lead = f"{leader.name} đã giao cho bạn 1 việc:"
    else:
        subject = mail_subject(f"Bạn được giao {len(tasks)} việc")
        lead = f"{leader.name} đã giao cho bạn {len(tasks)} việc:"
    lines = "\n".join(_line(task, task_link) for task in tasks)
    where = ("Mở liên kết của từng việc" if task_link else "Vui lòng vào Hộp công việc") + \
        " để xử lý."
    return subject, f"{lead}\n\n{lines}\n\n{where}\n\n{SIGNATURE}"


def mail_assignee(
    uow: UnitOfWork, leader: Actor, tasks: Sequence[Task], assignee: Account, *, task_link: str
) -> None:
    """Write the one e-mail of an assignment to `assignee`'s address (the caller checked
    there is one), in the caller's transaction."""
    subject, body = assignment_mail(leader, tasks, task_link=task_link)
    enqueue(uow, channel="email", recipient=str(assignee.email), subject=subject,
            body=body, account_id=assignee.id)
