"""The regulation the platform implements,《南通市公共信用信息归集和使用暂行办法》(2015), as the site
shows it at /regulation/, and the links from every "第N条" on the site to its article.

The text is the one the city published (nantong_credit/content/regulation-2015.txt), parsed once
per process into its notice and its 25 articles, each with its paragraphs.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

TEXT_PATH = Path(__file__).resolve().parent / "content" / "regulation-2015.txt"
TITLE = "南通市公共信用信息归集和使用暂行办法"
ISSUER = "南通市人民政府办公室"
ISSUED_ON = "2015年12月14日"

DIGITS = "〇一二三四五六七八九"
ARTICLE_HEAD = re.compile(r"^第([一二三四五六七八九十]+)条\s+(.*)$")


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 20 → 二十, 25 → 二十五 (as articles are numbered, below 100)."""
    if not 0 < number < 100:
        raise ValueError(f"no article numbered {number}")
    tens, units = divmod(number, 10)
    prefix = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return prefix + (DIGITS[units] if units else "")


def number_of(numeral: str) -> int:
    """The inverse of `chinese_numeral`: 十四 → 14, 二十 → 20."""
    if "十" not in numeral:
        return DIGITS.index(numeral)
    tens, _, units = numeral.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(units) if units else 0)


@dataclass(frozen=True)
class Article:
    number: int
    paragraphs: tuple[str, ...]

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.number)

    @property
    def anchor(self) -> str:
        return f"art-{self.number}"


@dataclass(frozen=True)
class Regulation:
    notice: tuple[str, ...]
    articles: tuple[Article, ...]

    def article(self, number: int) -> Article | None:
        return next((article for article in self.articles if article.number == number), None)


@functools.cache
def regulation() -> Regulation:
    lines = [line.strip() for line in TEXT_PATH.read_text(encoding="utf-8").splitlines()]
    paragraphs = [line for line in lines if line]
    # The notice of issue comes before the title line of the measures themselves; the web page's
    # "来源/发布时间/累计次数" line it was copied from is not part of either.
    start = paragraphs.index(TITLE)
    notice = tuple(p for p in paragraphs[1:start] if not p.startswith("来源"))
    articles: list[tuple[int, list[str]]] = []
    for paragraph in paragraphs[start + 1 :]:
        head = ARTICLE_HEAD.match(paragraph)
        if head:
            articles.append((number_of(head.group(1)), [head.group(2)]))
        elif articles:
            articles[-1][1].append(paragraph)
    return Regulation(notice, tuple(Article(number, tuple(body)) for number, body in articles))


def article_count() -> int:
    return len(regulation().articles)
