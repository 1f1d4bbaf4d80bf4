"""A PDF from an HTML page with WeasyPrint, for every document the platform issues (case files;
credit reports keep their own copy of the same rule in `inquiry.reports.rendering`).

The page loads nothing from outside (styles are inline, images are `data:` URIs), and a missing
resource is an error rather than a document silently printed without it. WeasyPrint embeds the
subsets of the Noto CJK faces the page uses, so the PDF reads the same on any machine.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def render_pdf(html: str) -> RenderedPdf:
    # Heavy: imported where a PDF is made, not by every web process.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher).render()
    return RenderedPdf(content=document.write_pdf(), page_count=len(document.pages))
