"""Data the admin pages hand to their diagram scripts cannot end its JSON <script> block."""

from __future__ import annotations

import json

from admin.common import json_for_script

HOSTILE = "Thẩm định </script><script>window.__pwned=1</script><!-- ' & >"


def test_a_designers_step_name_cannot_close_the_diagram_data_block() -> None:
    written = str(json_for_script({"tasks": {"tham_dinh": {"name": HOSTILE}}}))
    assert "<" not in written and ">" not in written and "&" not in written and "'" not in written
    assert json.loads(written) == {"tasks": {"tham_dinh": {"name": HOSTILE}}}
    assert "Thẩm định" in written  # Vietnamese stays readable in the page source
