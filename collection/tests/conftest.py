import pytest

from collection.selectors import clear_published_items_cache
from nantong_credit import roles

from .api_support import Api, new_key
from .factories import ProviderFactory, publish_test_catalog


@pytest.fixture(autouse=True)
def _fresh_published_items_cache():
    """Each test starts without catalog items a previous test's database had."""
    clear_published_items_cache()
    yield
    clear_published_items_cache()


@pytest.fixture
def scjgj(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局")


@pytest.fixture
def other_provider(db):
    return ProviderFactory(code="rsj", name="南通市人力资源和社会保障局")


@pytest.fixture
def catalog(scjgj):
    """The published test catalog; `scjgj` is responsible for its items, `other_provider` not."""
    return publish_test_catalog(scjgj)


@pytest.fixture
def scjgj_staff(user_with_role, scjgj):
    """bob: provider staff of 市场监管局."""
    user = user_with_role("bob", roles.PROVIDER_STAFF)
    scjgj.staff.add(user)
    return user


@pytest.fixture
def rsj_staff(user_with_role, other_provider):
    """dave: provider staff of another department."""
    user = user_with_role("dave", roles.PROVIDER_STAFF)
    other_provider.staff.add(user)
    return user


@pytest.fixture
def api(client, scjgj):
    """市场监管局's case system, talking to the provider API with a key of its own."""
    return Api(client, new_key(scjgj))
