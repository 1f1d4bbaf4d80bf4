"""The objection tests' world (a small catalog of 市场监管局 and 人社局, a company with its
verified agent, a clerk and a provider's staff), for figures that count records and cases."""

from objections.tests.conftest import (  # noqa: F401  (fixtures)
    _emails_sent_in_process,
    _fresh_published_items_cache,
    agent,
    catalog,
    clerk,
    company,
    other_company,
    rsj,
    rsj_staff,
    scjgj,
    scjgj_staff,
)
