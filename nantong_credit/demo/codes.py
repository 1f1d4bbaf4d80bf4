"""Deterministic, valid identifiers for demo subjects and departments.

Every code is derived from a fixed seed text, so that a second run of `seed_demo` produces the
very same codes; only the check characters come from python-stdnum (never computed by hand).
"""

import datetime as dt
import hashlib

from stdnum.cn import ric, uscc

# GB 32100-2015: the 31 characters a 统一社会信用代码 may contain (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGITS = "0123456789"


def _stream(seed: str):
    """An endless, reproducible sequence of bytes for `seed`."""
    counter = 0
    while True:
        yield from hashlib.sha256(f"{seed}#{counter}".encode()).digest()
        counter += 1


def pick(seed: str, alphabet: str, length: int) -> str:
    stream = _stream(seed)
    return "".join(alphabet[next(stream) % len(alphabet)] for _ in range(length))


def organisation_code(seed: str, *, established: dt.date | None, prefix: str = "") -> str:
    """The nine characters 9-17 of a 统一社会信用代码 (the organisation code part).

    Bodies registered since the 2015 reform carry a new-style code (`MA1…`, from 2019 `MA2…`;
    social organisations registered by 民政 `MJ…`); older ones kept their numeric
    组织机构代码, whose leading digits depend on when it was issued.
    """
    if prefix:
        return prefix + pick(seed, DIGITS, 9 - len(prefix))
    if established is None or established >= dt.date(2015, 10, 1):
        series = "MA2" if established and established.year >= 2019 else "MA1"
        return series + pick(seed, USCC_ALPHABET, 6)
    return _era_prefix(established.year) + pick(seed, DIGITS, 7)


def _era_prefix(year: int) -> str:
    """Leading digits of 组织机构代码 issued around `year` (the blocks were handed out in turn)."""
    for until, prefix in ((1998, "13"), (2005, "72"), (2010, "79")):
        if year < until:
            return prefix
    return "58"


def make_uscc(*, authority_and_type: str, division: str, org_code: str) -> str:
    """A 统一社会信用代码: 登记管理部门码 + 机构类别码, 行政区划码, 主体标识码, 校验码."""
    body = f"{authority_and_type}{division}{org_code}"
    if len(body) != 17:
        raise ValueError(f"a USCC body has 17 characters, got {body!r}")
    code = body + uscc.calc_check_digit(body)
    return uscc.validate(code)


def make_ric(*, division: str, born: dt.date, sequence: int) -> str:
    """A 公民身份号码: address code, birth date, sequence (odd for men), check digit."""
    body = f"{division}{born:%Y%m%d}{sequence:03d}"
    # calc_check_digit ignores the last character, so it wants all 18: pad with a placeholder.
    return body + ric.calc_check_digit(body + "0")
