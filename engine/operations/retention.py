"""The scheduled backup and its retention: keep the newest backup of each of the last N
days and of each of the last M months, delete the older ones.

Scheduled backups are folders `motcua-YYYYMMDD-HHMMSS` in one directory, written under a
`.partial-` name and renamed once complete: a backup that fails half-way is never counted
as one, never keeps an older one from being pruned, and is removed. Nothing else in the
directory is ever touched.
"""

from __future__ import annotations

import logging
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from engine.applicants.storage import AttachmentStorage
from engine.core.clock import VN_TZ
from engine.operations.backup import MANIFEST, create_backup

log = logging.getLogger("motcua.backup")
NAME = re.compile(r"motcua-(\d{8})-(\d{6})")


def scheduled_backup(
    engine: Engine,
    folder: Path,
    *,
    storage: AttachmentStorage,
    now: datetime,
    keep_daily: int,
    keep_monthly: int,
) -> dict[str, Any]:
    """Back up into `folder/motcua-<local time>`, then prune by the retention policy."""
    stamp = now.astimezone(VN_TZ).strftime("%Y%m%d-%H%M%S")
    final = folder / f"motcua-{stamp}"
    partial = folder / f".partial-motcua-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(partial, ignore_errors=True)
    try:
        manifest = create_backup(engine, partial, storage=storage, now=now)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    removed = prune(folder, keep_daily=keep_daily, keep_monthly=keep_monthly)
    log.info(
        "backup written to %s (%d tables), %d old ones removed", final, len(manifest["tables"]), len(removed)
    )
    return {
        "path": str(final),
        "tables": len(manifest["tables"]),
        "files": len(manifest["files"]),
        "removed": [p.name for p in removed],
    }


def kept(names: list[str], *, keep_daily: int, keep_monthly: int) -> set[str]:
    """Which backups the policy keeps: the newest of each of the `keep_daily` most recent
    days that have one, and the newest of each of the `keep_monthly` most recent months."""
    newest_first = sorted((n for n in names if NAME.fullmatch(n)), reverse=True)
    keep: set[str] = set()
    for width, count in ((8, keep_daily), (6, keep_monthly)):  # YYYYMMDD, YYYYMM
        seen: set[str] = set()
        for name in newest_first:
            period = name[len("motcua-") : len("motcua-") + width]
            if period not in seen and len(seen) < count:
                seen.add(period)
                keep.add(name)
    return keep


def prune(folder: Path, *, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the complete scheduled backups the policy no longer keeps; returns them."""
    backups = [
        p for p in folder.iterdir() if p.is_dir() and NAME.fullmatch(p.name) and (p / MANIFEST).is_file()
    ]
    keep = kept([p.name for p in backups], keep_daily=keep_daily, keep_monthly=keep_monthly)
    removed = sorted(p for p in backups if p.name not in keep)
    for path in removed:
        shutil.rmtree(path)
    return removed
