"""Sample data for `make run` and the tests: the province's People's Committee at the root
of the agencies' tree with a department and two communes under it, one account per role,
and the procedures shipped in `procedures/`, imported and published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.agencies.officers import Grant, add_officer
from engine.agencies.tree import AgencyFields, add_agency
from engine.core.actors import SYSTEM
from engine.core.clock import VN_TZ
from engine.core.errors import Invalid
from engine.core.models import Account, Agency, Province
from engine.core.permissions import (
    APPROVER,
    DESIGNER,
    DESK,
    LEADER,
    REVIEWER,
    SPECIALIST,
    UNIT_ADMIN,
)
from engine.identity.accounts import create_account
from engine.legal_clock.calendars import default_periods
from engine.procedures.catalogue import import_package
from engine.procedures.versions import act
from engine.wiring import Platform

PROCEDURES = Path(__file__).resolve().parent.parent / "procedures"
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - printed by `make run` on purpose
PROVINCE = "Tuyên Quang"
MAIL_DOMAIN = "tuyenquang.example"  # reserved for examples: demo mail never reaches anyone
DEMO_CITIZEN_PHONE = "0912345678"  # the demo citizen's SMS go to the null gateway


@dataclass(frozen=True)
class DemoAccount:
    """A demo login printed by `make run`."""

    username: str
    full_name: str
    kind: str
    roles: tuple[tuple[str, str], ...] = ()
    id_number: str | None = None


# The province's People's Committee is the root of the tree (unit code 000.00.00 and the
# province's H64, as QĐ 20/2020/QĐ-TTg numbers it); since 1 July 2025 there is no
# district level, so the departments (sở) and the communes and wards sit right under it.
PROVINCE_AGENCY = "000.00.00.H64"
AGENCIES = (
    AgencyFields(PROVINCE_AGENCY, f"Ủy ban nhân dân tỉnh {PROVINCE}", "province",
                 address="Số 160 đường Trần Hưng Đạo, phường Minh Xuân, tỉnh Tuyên Quang",
                 phone="0207 3822 000", email=f"ubnd@{MAIL_DOMAIN}"),
    AgencyFields("000.00.12.H64", "UBND phường Minh Xuân", "commune", PROVINCE_AGENCY,
                 address="Số 2 đường Tân Trào, phường Minh Xuân, tỉnh Tuyên Quang",
                 phone="0207 3822 111", email=f"minhxuan@{MAIL_DOMAIN}", hotline="0207 3822 112"),
    AgencyFields("000.00.31.H64", "UBND xã An Tường", "commune", PROVINCE_AGENCY,
                 address="Thôn Trường Thi, xã An Tường, tỉnh Tuyên Quang",
                 phone="0207 3811 222", email=f"antuong@{MAIL_DOMAIN}"),
    AgencyFields("000.05.00.H64", "Sở Xây dựng tỉnh Tuyên Quang", "department", PROVINCE_AGENCY,
                 address="Số 160 đường Trần Hưng Đạo, phường Minh Xuân, tỉnh Tuyên Quang",
                 phone="0207 3822 333", email=f"soxaydung@{MAIL_DOMAIN}", hotline="1900 0000"),
)
MINH_XUAN, AN_TUONG, SO_XAY_DUNG = (agency.code for agency in AGENCIES[1:])
COMMUNES = (MINH_XUAN, AN_TUONG)

ACCOUNTS = (
    DemoAccount("congdan", "Nguyễn Văn An", "citizen", id_number="008090001234"),
    DemoAccount("motcua.minhxuan", "Trần Thị Bình", "officer", ((MINH_XUAN, DESK),)),
    DemoAccount("chuyenvien.minhxuan", "Lê Văn Cường", "officer", ((MINH_XUAN, SPECIALIST),)),
    DemoAccount("lanhdao.minhxuan", "Phạm Thị Dung", "officer", ((MINH_XUAN, LEADER),)),
    DemoAccount("hotich.minhxuan", "Hoàng Văn Em", "officer", ((MINH_XUAN, "ho_tich"),)),
    DemoAccount("thietke.minhxuan", "Vũ Thị Giang", "officer", ((MINH_XUAN, DESIGNER),)),
    DemoAccount("xemxet.minhxuan", "Đinh Văn Khoa", "officer", ((MINH_XUAN, REVIEWER),)),
    DemoAccount("pheduyet.minhxuan", "Chu Thị Lụa", "officer", ((MINH_XUAN, APPROVER),)),
    DemoAccount("motcua.antuong", "Đỗ Văn Hải", "officer", ((AN_TUONG, DESK),)),
    DemoAccount("chuyenvien.antuong", "Ngô Thị Lan", "officer", ((AN_TUONG, SPECIALIST),)),
    DemoAccount("chuyenvien.soxaydung", "Mai Văn Phúc", "officer", ((SO_XAY_DUNG, SPECIALIST),)),
    DemoAccount("lanhdao.soxaydung", "Trịnh Thị Quyên", "officer", ((SO_XAY_DUNG, LEADER),)),
    DemoAccount("quantri.soxaydung", "Lý Văn Sơn", "officer", ((SO_XAY_DUNG, UNIT_ADMIN),)),
    DemoAccount("quantri", "Quản trị hệ thống", "admin"),
)


def load_samples(platform: Platform, *, password: str = DEMO_PASSWORD) -> bool:
    """Load agencies, demo accounts and the shipped procedures; False if already loaded."""
    with platform.uow() as uow:
        if uow.session.scalar(select(Agency.id).limit(1)) is not None:
            return False
        province = Province(name=PROVINCE, periods=default_periods(), calendar_version=1)
        uow.session.add(province)
        uow.session.flush()
        for agency in AGENCIES:
            add_agency(uow, actor=SYSTEM, fields=agency)
        for demo in ACCOUNTS:
            email = f"{demo.username}@{MAIL_DOMAIN}"
            if demo.roles:  # officers, through the service a province's administrators use
                add_officer(uow, actor=SYSTEM, username=demo.username, full_name=demo.full_name,
                            email=email, grants=[Grant(code, role) for code, role in demo.roles],
                            link_base="", password=password)
                continue
            create_account(uow, username=demo.username, password=password,
                           full_name=demo.full_name, kind=demo.kind, id_number=demo.id_number,
                           email=email,
                           phone=DEMO_CITIZEN_PHONE if demo.kind == "citizen" else None)
        uow.commit()
    for folder in sorted(p for p in PROCEDURES.iterdir() if (p / "procedure.json").exists()):
        for agency_code in COMMUNES:
            import_and_publish(platform, folder, agency_code)
    return True


def import_and_publish(platform: Platform, folder: Path, agency_code: str) -> None:
    """Import one package folder for an agency and publish it, in force since the start of
    the year (sample data only: dossiers dated earlier in the year find it too)."""
    with platform.uow() as uow:
        report, version = import_package(uow, actor=SYSTEM, agency_code=agency_code, path=folder)
    if version is None:
        raise Invalid(f"Gói mẫu {folder} không hợp lệ:\n{report.as_text()}")
    with platform.uow() as uow:
        new_year = uow.clock.now().astimezone(VN_TZ).replace(month=1, day=1, hour=0, minute=0,
                                                             second=0, microsecond=0)
        act(uow, actor=SYSTEM, agency_code=agency_code, code=version["code"],
            number=version["number"], action="publish", effective_from=new_year)


def demo_logins(platform: Platform) -> list[tuple[str, str, str]]:
    """(username, full name, what they do) of the demo accounts present in the database."""
    with platform.uow() as uow:
        present = set(uow.session.scalars(select(Account.username)))
    rows = []
    for demo in ACCOUNTS:
        if demo.username in present:
            roles = ", ".join(f"{role}@{agency}" for agency, role in demo.roles) or demo.kind
            rows.append((demo.username, demo.full_name, roles))
    return rows
