"""No list or show output, human or JSON, ever holds a full 18-digit ID or an 11-digit phone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.core import identity
from tests.conftest import Result

# Not inside a longer word such as a hex hash: what a person could read as an ID or a phone.
FULL_ID = re.compile(r"(?<![0-9A-Za-z*])[0-9]{17}[0-9Xx](?![0-9A-Za-z*])")
FULL_PHONE = re.compile(r"(?<![0-9A-Za-z*])1[3-9][0-9]{9}(?![0-9A-Za-z*])")

first17 = st.builds(
    lambda region, born, serial: f"{region}{born:%Y%m%d}{serial:03d}",
    st.sampled_from(["430104", "110105", "310101"]),
    st.dates(date(1940, 1, 1), date(2005, 12, 31)),
    st.integers(0, 999),
)
resident_id = first17.map(lambda f: f + identity.gb11643_check_char(f))
mobile = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
party = st.fixed_dictionaries({
    "name": st.sampled_from(["张三", "李四", "王五", "欧阳娜娜"]),
    "id_number": resident_id, "phone": mobile,
    "address": st.sampled_from(["湖南省长沙市岳麓区桐梓坡路8号", "北京市朝阳区建国路88号"]),
})


@settings(max_examples=15)
@given(applicant=party, respondent=party, text_id=resident_id, text_phone=mobile)
def test_list_and_show_never_print_full_ids_or_phones(
        cli: Callable[..., Result], applicant: dict[str, str], respondent: dict[str, str],
        text_id: str, text_phone: str) -> None:
    if applicant["id_number"] == respondent["id_number"]:  # one person is never on both sides
        return
    if cli("staff", "list").code != 0:
        assert cli("init", "--no-login", "--committee", "测试调委会", "--prefix", "测").code == 0
    record = {
        "category": "02", "source": "application",
        "summary": f"当事人自述身份证号{text_id}，电话{text_phone}。",
        "requests": "请求调解",
        "parties": [{"role": "applicant", **applicant}, {"role": "respondent", **respondent}],
    }
    made = cli("case", "new", "--file", "-", "--force", "--json", input=json.dumps(record))
    assert made.code == 0, made.err
    number = json.loads(made.out)["number"]
    cli("case", "accept", number)
    outputs = [
        cli("case", "list"), cli("case", "list", "--json"),
        cli("case", "show", number), cli("case", "show", number, "--json"),
        cli("case", "history", number), cli("case", "history", number, "--json"),
        cli("--lang", "zh", "case", "show", number),
    ]
    for out in outputs:
        assert out.code == 0, out.err
        for secret in (applicant["id_number"], respondent["id_number"],
                       applicant["phone"], respondent["phone"]):
            assert secret not in out.out
        for line in (out.out + out.err).splitlines():
            assert not FULL_ID.search(line) or text_id not in line, line
        assert not FULL_PHONE.search(out.out.replace(text_phone, "")), out.out
