import pytest

from catalog.tests.factories import ProviderFactory
from collection.selectors import clear_published_items_cache
from collection.tests.factories import SubjectFactory, make_uscc, publish_test_catalog
from nantong_credit import roles

from .support import bind, penalty_record


@pytest.fixture(autouse=True)
def _fresh_published_items_cache():
    clear_published_items_cache()
    yield
    clear_published_items_cache()


@pytest.fixture
def scjgj(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局")


@pytest.fixture
def rsj(db):
    return ProviderFactory(code="rsj", name="南通市人力资源和社会保障局")


@pytest.fixture
def catalog(scjgj, rsj):
    """The test catalog; 市场监管局 is responsible for 行政处罚, 人社局 exists beside it."""
    return publish_test_catalog(scjgj)


@pytest.fixture
def penalty(catalog):
    return catalog.items.get(code="admin_penalty")


@pytest.fixture
def scjgj_staff(user_with_role, scjgj):
    """bob: staff of 市场监管局, which made the record."""
    user = user_with_role("bob", roles.PROVIDER_STAFF, real_name="陆志强", email="bob@scjgj.example")
    scjgj.staff.add(user)
    return user


@pytest.fixture
def rsj_staff(user_with_role, rsj):
    """dave: staff of another department."""
    user = user_with_role("dave", roles.PROVIDER_STAFF, real_name="张德文", email="dave@rsj.example")
    rsj.staff.add(user)
    return user


@pytest.fixture
def center_clerk(user_with_role):
    return user_with_role("carol", roles.CENTER_CLERK, real_name="顾晓雯", email="carol@center.example")


@pytest.fixture
def company(db):
    return SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1XY712A"))


@pytest.fixture
def other_company(db):
    return SubjectFactory(name="南通通达物流有限公司", identifier=make_uscc("91320602MA1ABC34B"))


@pytest.fixture
def agent(user_with_role, company):
    """sam: approved agent of 南通海晟建设工程有限公司."""
    user = user_with_role("sam", roles.SUBJECT_USER, real_name="顾海军", email="sam@haisheng.example")
    bind(user, company)
    return user


@pytest.fixture
def other_agent(user_with_role, other_company):
    """olga: agent of another company."""
    user = user_with_role("olga", roles.SUBJECT_USER, real_name="王晓燕", email="olga@tongda.example")
    bind(user, other_company)
    return user


@pytest.fixture
def record(penalty, company):
    """A 一般 penalty of 2026-05-06 by 市场监管局: repairable from 2026-08-06, public until 2027-05-06."""
    return penalty_record(penalty, company)
