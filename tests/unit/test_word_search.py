"""Word search of the public catalogue: each word on its own, accents and case ignored,
ranked by the words matched (name first), everyday phrases as the catalogue's words."""

from __future__ import annotations

from engine.core.word_search import rank_by_words as rank
from engine.core.word_search import words

PERMIT = {"name": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "rest": "1.009994 Xây dựng"}
EXTRACT = {"name": "Cấp bản sao trích lục hộ tịch", "rest": "2.000635 Hộ tịch"}
DEMOLISH = {"name": "Cấp giấy phép phá dỡ công trình", "rest": "1.000001 Xây dựng"}
HOUSE = {"name": "Đăng ký nhà ở xã hội", "rest": "1.000002 Nhà ở"}
CATALOGUE = [EXTRACT, DEMOLISH, HOUSE, PERMIT]


def found(query: str) -> list[str]:
    return [e["name"] for e in rank(query, CATALOGUE, name=lambda e: e["name"],
                                    rest=lambda e: e["rest"])]


def test_words_fold_accents_case_and_d() -> None:
    assert words("ĐĂNG KÝ Đất đai, 1.009994!") == ("dang", "ky", "dat", "dai", "1.009994")


def test_each_word_matches_on_its_own_in_any_order() -> None:
    assert found("xây dựng giấy phép")[0] == PERMIT["name"]
    assert found("nha o rieng le cap phep")[0] == PERMIT["name"]


def test_everyday_words_find_the_building_permit_first() -> None:
    assert found("xin phép xây nhà")[0] == PERMIT["name"]
    assert found("XIN PHEP XAY NHA")[0] == PERMIT["name"]


def test_a_birth_extract_without_accents_finds_the_civil_status_extract() -> None:
    assert found("trich luc khai sinh")[0] == EXTRACT["name"]


def test_more_words_matched_rank_first_and_the_name_before_the_field() -> None:
    assert found("giấy phép xây dựng")[:2] == [PERMIT["name"], DEMOLISH["name"]]
    # «nhà ở» is in the house's name and the field; the permit has it in its name only.
    assert found("nhà ở xã hội")[0] == HOUSE["name"]


def test_a_code_is_one_word() -> None:
    assert found("1.009994") == [PERMIT["name"]]


def test_words_matching_under_half_the_query_are_left_out() -> None:
    assert found("trích xe máy") == []  # one word of three
    assert found("xe máy") == []


def test_no_word_keeps_everything_in_order() -> None:
    assert found("  ?! ") == [e["name"] for e in CATALOGUE]


def test_a_word_before_the_last_is_not_a_piece_of_another() -> None:
    # «nha» (nhà) must not match «nhận» folded «nhan» once the next word is typed.
    assert rank("nha o", [{"n": "Tiếp nhận hồ sơ"}], name=lambda e: e["n"], rest=lambda e: "") == []


def test_the_last_word_typed_half_way_finds_the_words_it_begins() -> None:
    assert found("xây dựn")[:2] == [PERMIT["name"], DEMOLISH["name"]]
    assert set(found("giấy phe")[:2]) == {PERMIT["name"], DEMOLISH["name"]}
    assert found("trich lu") == [EXTRACT["name"]]
    assert found("1.00999") == [PERMIT["name"]]  # a code typed half-way
    assert found("KHAI SIN") == [EXTRACT["name"]]  # «khai sinh» → hộ tịch, the phrase begun


def test_a_whole_word_ranks_before_a_word_it_only_begins() -> None:
    items = [{"n": "Tiếp nhận hồ sơ"}, {"n": "Đăng ký nhà ở"}]
    assert [e["n"] for e in rank("nhà", items, name=lambda e: e["n"], rest=lambda e: "")] == [
        "Đăng ký nhà ở", "Tiếp nhận hồ sơ"]


def test_a_single_letter_is_not_a_beginning() -> None:
    assert found("x") == []


def test_the_query_s_wildcards_are_plain_characters() -> None:
    assert found("xây %") == found("xây _") == found("xây .*") == [PERMIT["name"], DEMOLISH["name"]]
    assert found("%") == found("_") == [e["name"] for e in CATALOGUE]  # no word: everything


def test_only_the_beginning_of_a_long_query_counts() -> None:
    assert found("giấy phép xây dựng " + "x" * 10_000)[0] == PERMIT["name"]
