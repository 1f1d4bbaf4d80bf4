"""Department databases linked to the platform (数据库对接, Art. 9 "有条件的部门平台数据库应当
逐步对接市公共信用信息平台"): besides pushing through the API, a provider's system can be pulled
from. The contract for the department's side (shown on the configuration page too):

- Request: ``GET <url>?limit=500[&cursor=<last cursor>]`` with the configured header carrying
  the token (stored encrypted, `credentials`). Redirects are not followed.
- JSON page: ``{"records": [{...}], "next_cursor": "...", "has_more": true|false}``, UTF-8.
- CSV page: a header row, then rows, UTF-8 or GBK; the next cursor in ``X-Next-Cursor`` and
  whether more follow in ``X-Has-More``.
- A cursor is an integer (a change number) or an ISO 8601 time with its zone, optionally with
  "~<tiebreak>"; it never goes back. One that does is refused: the page is not stored, the run
  fails, the provider's staff are told (`pages.goes_backwards`).

Each row is mapped onto the catalog item's bulk layout (`rows`), checked by the same
`check_submission` as every channel and stored by the same `BatchWriter` (channel 数据库对接),
keyed by the provider's 业务编号; a page and its cursor commit together (`runs`). Fetching is
guarded against SSRF and oversized or slow answers (`fetch`).

Modules: `models`, `fetch`, `pages`, `rows`, `runs`, `alerts`, `credentials`, `services`,
`selectors`, `forms`, `views`, `urls`, `demo`.
"""
