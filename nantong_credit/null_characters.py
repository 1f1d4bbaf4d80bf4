"""NUL (U+0000) never reaches a view or the database.

PostgreSQL refuses it in text and in jsonb, so a NUL that got through ended as an HTTP 500; no
Chinese text contains one. A request carrying it in its address, its query or a form field is
refused here, before any view runs, with a 400 that says why; JSON bodies are checked where they
are parsed (`nantong_credit.json_body`), so that the answer can name the field as every other
400 of the API does.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"


def nul_message() -> str:
    return _("不能包含空字符（\\u0000）；从其他文档复制的文字有时会带入此类不可见字符，请删除后重新提交")


class RefuseNulMiddleware:
    """400 for NUL in the path, the query string or a submitted form's fields.

    Forms are looked at once the view is known and only where Django's CSRF check has read the
    body already (it must come after `CsrfViewMiddleware`): a `csrf_exempt` view reads its body
    itself — the bulk upload first sets its own upload handler, the provider API parses JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in settings.PROBE_PATHS:
            return self.get_response(request)  # reads nothing; its 400 page would read the session
        field = "url" if NUL in request.path else _query_field_with_nul(request)
        return self.get_response(request) if field is None else _refusal(request, field)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if getattr(view_func, "csrf_exempt", False) or request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type not in FORM_CONTENT_TYPES:
            return None
        # File names need no check: Django keeps only their printable characters.
        field = _first_with_nul(request.POST)
        return None if field is None else _refusal(request, field)


def _refusal(request: HttpRequest, field: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"errors": {field: [nul_message()]}}, status=400, json_dumps_params={"ensure_ascii": False})
    message = _(
        "网址或提交的内容包含空字符（\\u0000），无法处理，未保存任何内容。"
        "从其他文档复制的文字有时会带入这种不可见字符：请返回上一页，删除后重新提交。"
    )
    return render(request, "errors/400.html", {"message": message}, status=400)


def _query_field_with_nul(request: HttpRequest) -> str | None:
    query = request.META.get("QUERY_STRING", "")
    return _first_with_nul(request.GET) if "%00" in query or NUL in query else None


def _first_with_nul(data) -> str | None:
    for key, values in data.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "\\u0000")
    return None
