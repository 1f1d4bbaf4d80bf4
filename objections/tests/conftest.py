import pytest

from collection.accounts.registration import IdentityMethod, verify_identity
from collection.bindings import approve_binding
from collection.selectors import clear_published_items_cache
from collection.tests.account_support import register, request_company_binding
from collection.tests.factories import ProviderFactory, SubjectFactory, make_uscc, publish_test_catalog
from nantong_credit import roles

from .support import submit_license, submit_penalty

HAIYUN_USCC = make_uscc("91320602MA1Q7R2K8")
JIANGHAI_USCC = make_uscc("91320612MA1R3D6E5")


@pytest.fixture(autouse=True)
def _emails_sent_in_process(eager_celery):
    """Every step tells its parties by email from a task after commit; these tests read the
    outbox, so the task runs in-process whether or not a broker is configured (CI has Redis)."""


@pytest.fixture(autouse=True)
def _fresh_published_items_cache():
    clear_published_items_cache()
    yield
    clear_published_items_cache()


@pytest.fixture
def scjgj(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局", short_name="市市场监管局")


@pytest.fixture
def rsj(db):
    return ProviderFactory(code="rsj", name="南通市人力资源和社会保障局", short_name="市人社局")


@pytest.fixture
def catalog(scjgj, rsj):
    """行政处罚 (dishonesty, public) and 行政许可, both submitted by 市场监管局 and 人社局."""
    return publish_test_catalog(scjgj, rsj)


@pytest.fixture
def scjgj_staff(user_with_role, scjgj):
    """bob: answers objections for 市场监管局."""
    user = user_with_role("bob", roles.PROVIDER_STAFF, real_name="陆志强", email="bob@scjgj.example")
    scjgj.staff.add(user)
    return user


@pytest.fixture
def rsj_staff(user_with_role, rsj):
    """dave: staff of another provider."""
    user = user_with_role("dave", roles.PROVIDER_STAFF, real_name="钱立新", email="dave@rsj.example")
    rsj.staff.add(user)
    return user


@pytest.fixture
def clerk(user_with_role):
    return user_with_role("carol", roles.CENTER_CLERK, real_name="顾晓雯", email="carol@center.example")


@pytest.fixture
def second_clerk(user_with_role):
    return user_with_role("cathy", roles.CENTER_CLERK, real_name="许文静", email="cathy@center.example")


@pytest.fixture
def company(catalog):
    return SubjectFactory(name="南通海运建设工程有限公司", identifier=HAIYUN_USCC)


@pytest.fixture
def other_company(catalog):
    return SubjectFactory(name="南通江海物流有限公司", identifier=JIANGHAI_USCC)


def _agent(username, real_name, id_number, subject, clerk):
    user = register(username, id_number, real_name)  # with an email address: username@example.com
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    user.refresh_from_db()
    approve_binding(binding=request_company_binding(user, subject), actor=clerk)
    return user


@pytest.fixture
def agent(db, clerk, company):
    """王建国: the company's verified agent (subject_user), password `support.PASSWORD`."""
    from collection.tests.account_support import WANG_ID

    return _agent("wangjg", "王建国", WANG_ID, company, clerk)


@pytest.fixture
def other_agent(db, clerk, other_company):
    """李晓梅: agent of another company."""
    from collection.tests.account_support import LI_ID

    return _agent("lixm", "李晓梅", LI_ID, other_company, clerk)


@pytest.fixture
def penalty(scjgj, company):
    """A 行政处罚 (dishonesty) record of 市场监管局 about the company."""
    return submit_penalty(scjgj, company)


@pytest.fixture
def license_record(scjgj, company):
    return submit_license(scjgj, company)


@pytest.fixture
def rsj_penalty(rsj, company):
    return submit_penalty(rsj, company, "通人社罚〔2026〕7号")
