import pytest

from catalog.tests.factories import ProviderFactory
from collection.selectors import clear_published_items_cache
from collection.tests.factories import SubjectFactory, make_uscc, publish_test_catalog
from nantong_credit import roles


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
    return publish_test_catalog(scjgj)


@pytest.fixture
def penalty(catalog):
    return catalog.items.get(code="admin_penalty")


@pytest.fixture
def commission(user_with_role):
    """alice: the 市工业和信息化局 (catalog_admin)."""
    return user_with_role("alice", roles.CATALOG_ADMIN, real_name="周明远", email="alice@gxj.example")


@pytest.fixture
def scjgj_staff(user_with_role, scjgj):
    user = user_with_role("bob", roles.PROVIDER_STAFF, real_name="陆志强", email="bob@scjgj.example")
    scjgj.staff.add(user)
    return user


@pytest.fixture
def rsj_staff(user_with_role, rsj):
    user = user_with_role("dave", roles.PROVIDER_STAFF, real_name="张德文", email="dave@rsj.example")
    rsj.staff.add(user)
    return user


@pytest.fixture
def clerk(user_with_role):
    return user_with_role("carol", roles.CENTER_CLERK, real_name="顾晓雯")


@pytest.fixture
def company(db):
    return SubjectFactory(name="南通海晟建设工程有限公司", identifier=make_uscc("91320602MA1XY712A"))
