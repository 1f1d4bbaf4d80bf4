"""What every printed page must look like (static/css/print.css), for the browser tests of the pages
people print: the case pages, the public record, the receipt, the guides.

`record_print_calls(page)` before the first `goto` replaces `window.print` with a counter, so that
a test can click 打印 without a print dialog; `print_calls(page)` reads the counter.
"""

import re
import subprocess
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

A4_WIDTH = 794  # CSS pixels of an A4 sheet (210 mm at 96 dpi)

# The site's chrome: none of it belongs on paper.
CHROME = (".site-header", ".site-footer", ".skip-link", ".display-prefs", "nav.navbar")
NAV_TEXTS = ("跳到主要内容", "平台统计", "报告验证", "网站地图", "主办单位", "高对比")


def record_print_calls(page) -> None:
    page.add_init_script("window.__printCalls = 0; window.print = function () { window.__printCalls += 1; };")


def print_calls(page) -> int:
    return page.evaluate("window.__printCalls")


def click_print(page, name: str = "打印") -> None:
    """The 打印 button is on screen at a desktop and a phone width, and asks the browser to print."""
    before = print_calls(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    page.get_by_role("button", name=name, exact=True).click()
    assert print_calls(page) == before + 1
    page.set_viewport_size({"width": 1280, "height": 900})


def check_printed(page, *, shows: list[str], hides: list[str] = (), header: bool = True) -> None:
    """In print media: the chrome, the buttons and the forms are gone, `shows` are visible, `hides`
    (texts of the page's controls) are not; the print header names the site and the page."""
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    for selector in CHROME:
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    for control in page.locator("main button, main form, main .btn, main .pagination").all():
        expect(control).to_be_hidden()
    for text in shows:
        expect(page.locator("main").get_by_text(text, exact=False).locator("visible=true").first).to_be_visible()
    for text in hides:
        for element in page.get_by_text(text, exact=False).all():
            expect(element).to_be_hidden()
    print_header = page.locator(".print-header")
    if header:
        expect(print_header).to_be_visible()
        title = " — ".join(part for part in page.title().split(" — ") if part != settings.SITE_NAME)
        site, page_title, meta = printed_header(page)
        assert (site, page_title) == (settings.SITE_NAME, title)
        assert re.fullmatch(r"打印时间：\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d　网址：" + re.escape(page.url), meta), meta
    else:
        expect(print_header).to_be_hidden()


def printed_header(page) -> list[str]:
    """The print header's three lines: print.css draws them from these attributes, so that they are
    no page text (the PDF test reads them off the paper)."""
    return page.locator(".print-header [data-text]").evaluate_all("spans => spans.map(s => s.dataset.text)")


def back_to_screen(page) -> None:
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".print-header")).to_be_hidden()


def pdf_text(page, path: Path) -> tuple[str, int]:
    """The page printed to PDF by Chromium (A4, as print.css asks), read back with pdftotext:
    its text without white space, and its number of pages."""
    page.pdf(path=str(path), prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return "".join(text.split()), pages
