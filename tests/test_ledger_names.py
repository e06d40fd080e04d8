"""One item is never counted twice: the normalisation of names (README, ledger/names.py)."""

import pytest

from ledger.names import is_near, normalise


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("吉林大学吉林市研究院", "吉林大学吉林市"),  # 研究院 is a suffix
        ("吉林大学吉林市研究院有限公司", "吉林大学吉林市"),  # suffixes come off repeatedly
        ("吉林大学 吉林市研究院", "吉林大学吉林市"),  # spaces
        ("吉林大学\u3000吉林市\u200b研究院", "吉林大学吉林市"),  # ideographic, zero-width
        ("ＡＢＣ科技股份有限公司", "abc科技"),  # full-width letters, case
        ("abc科技有限责任公司", "abc科技"),
        ("碳纤维研究所（筹）", "碳纤维研究所(筹)"),  # full-width brackets; not at the end
        ("【示例】碳纤维研究院", "(示例)碳纤维"),  # every bracket becomes round
        ("“科技金融”银企对接会。", "科技金融银企对接会"),  # quotes, trailing full stop
        ("有限公司", "有限公司"),  # nothing but a suffix keeps it
    ],
)
def test_normalise(name, normalised):
    assert normalise(name) == normalised


@pytest.mark.parametrize(
    ("first", "second", "near"),
    [
        ("吉林市碳纤维研究院", "吉林碳纤维研究院", True),  # one character apart
        ("吉林化纤集团研发中心", "吉林化纤集团研发中心二期", True),  # one contains the other
        ("银企对接会第一场", "银企对接会第二场", True),  # asks: they may be two events
        ("功率半导体研究院", "现代农业技术研究院", False),
        ("示例·电子信息产业对接会", "示例·冰雪经济创新对接会", False),
    ],
)
def test_near_matches(first, second, near):
    assert is_near(normalise(first), normalise(second)) is near
