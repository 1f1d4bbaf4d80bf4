import pytest

from catalog import services
from catalog.models import Category, FieldType
from collection.selectors import clear_published_items_cache

from .factories import (
    CatalogDocumentFactory,
    CatalogFieldFactory,
    CatalogItemFactory,
    ProviderFactory,
    penalty_item,
    publish,
)


@pytest.fixture(autouse=True)
def _fresh_published_items_cache():
    """Each test starts without catalog items a previous test's database had."""
    clear_published_items_cache()
    yield
    clear_published_items_cache()


@pytest.fixture
def market_bureau(db):
    return ProviderFactory(code="scjgj", name="南通市市场监督管理局", short_name="市市场监管局")


@pytest.fixture
def published(db, market_bureau):
    """Version 1, published: 工商登记 (registration) and 行政处罚 (regulatory), one document."""
    registration = CatalogItemFactory(
        code="business_registration",
        name="工商登记",
        category=Category.REGISTRATION,
        providers=[market_bureau],
        position=1,
    )
    CatalogFieldFactory(item=registration, key="reg_authority", label="登记机关", required=True)
    CatalogFieldFactory(item=registration, key="established_on", label="成立日期", type=FieldType.DATE)
    penalty = penalty_item(providers=[market_bureau], position=2)
    CatalogFieldFactory(item=penalty, key="contact_phone", label="联系电话", is_public=False, position=9)
    CatalogDocumentFactory(version=registration.version, title="公共信用信息数据规范", body="第一条 数据项应当完整。")
    return publish(registration.version)


@pytest.fixture
def draft(published, catalog_admin):
    return services.create_draft(actor=catalog_admin)
