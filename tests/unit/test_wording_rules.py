"""One spelling for the words the UI repeats: the tone of «oa», «oe», «uy» ending a word sits
on the first vowel, as the national public service portal writes it («Xóa», «hóa», «khóa»,
«thủy», «ủy»), never the older placement («Xoá», «hoá», «khoá», «thuỷ», «uỷ»). Checked in
what users read: templates, scripts, messages in Python, procedure packages and the folders'
READMEs. Vendored libraries and test data (people's names) are not ours to respell."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("webapp", "admin", "engine", "forms", "bpmn", "worker", "integrations", "procedures")
SUFFIXES = {".py", ".html", ".js", ".json", ".md", ".bpmn", ".dmn", ".txt", ".css"}
SKIPPED = {"vendor", "node_modules", "__pycache__", "tests"}

# A word ending in «oa»/«oe» with the tone on the «a»/«e», or «uy» with it on the «y» (not
# after «q»: in «quý» the «u» belongs to the consonant, and the tone is on «y» either way).
OLD_PLACEMENT = re.compile(
    r"\b\w*?(?:[oO][áàảãạÁÀẢÃẠéèẻẽẹÉÈẺẼẸ]|(?<![qQ])[uU][ýỳỷỹỵÝỲỶỸỴ])(?!\w)")


def old_placements(text: str) -> list[str]:
    """The words of a text whose tone sits in the older place («Xoá»; composed or not)."""
    return OLD_PLACEMENT.findall(unicodedata.normalize("NFC", text))


def _ours() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*")
                  if p.suffix in SUFFIXES and p.is_file()
                  and not SKIPPED & set(p.relative_to(ROOT).parts))


def test_the_older_tone_placements_are_recognised() -> None:
    assert old_placements("Xoá bản nháp; mã hoá; khoá; Thuỷ lợi; uỷ quyền; huỷ; khoẻ") == [
        "Xoá", "hoá", "khoá", "Thuỷ", "uỷ", "huỷ", "khoẻ"]
    decomposed = unicodedata.normalize("NFD", "xoá")
    assert old_placements(decomposed) == ["xoá"]
    assert old_placements("Xóa; hóa; khóa; thủy; ủy quyền; quý; hoàn thành; thuyết; Hòa") == []


def test_the_ui_writes_xoa_hoa_khoa_thuy_uy_one_way() -> None:
    found = [f"{p.relative_to(ROOT)}: {', '.join(sorted(set(words)))}" for p in _ours()
             if (words := old_placements(p.read_text(encoding="utf-8")))]
    assert found == [], "write «Xóa», «hóa», «khóa», «thủy», «ủy» (the tone on the first vowel)"


def test_no_mail_or_message_names_the_project() -> None:
    """«[motcua]» began subjects and «Hệ thống một cửa motcua» signed mails: nobody outside
    the project knows the name (`engine.records.mail_words` says the portal's)."""
    pattern = re.compile(r"\[motcua\]|một cửa motcua")
    found = [str(p.relative_to(ROOT)) for p in _ours() if p.suffix in {".py", ".html"}
             and pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []
