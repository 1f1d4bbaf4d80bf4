"""Credit reports (信用报告, SPEC §2): ordered by a subject or an authorized requester, generated
as a numbered PDF by a Celery task, verifiable by anyone at /reports/verify/ and registered in
the archive (Art. 20).

- `workflow`: the report's states and the transitions allowed between them;
- `permissions`: who may order which report and see which one;
- `services`: ordering and the generation steps (claim, progress, finish, fail);
- `rendering`: the report's content, its HTML and the PDF;
- `verification`: checking a verification code or an uploaded file (`office_views`: the same
  check from a government user's back office);
- `special`: special credit reports (专项信用报告, 信用代证), kind `special` of the same model: the
  period's limits and what one lists per 领域.
"""
