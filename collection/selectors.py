"""Read-side queries of the collection app."""

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.db.models import F, Prefetch, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from catalog.models import CatalogField, CatalogItem, CatalogVersion, DisclosureRule, DisclosureScheme, Provider
from catalog.selectors import published_version
from catalog.services import PUBLISHED_CATALOG_TOKEN

from .identifiers import IdentifierError, identifier_family, normalise_identifier
from .models import ApiToken, CreditRecord, NameMismatch, Subject
from .personal_data import identifier_hash

logger = logging.getLogger(__name__)

# Items of published catalog versions, with their disclosure rules, loaded once per process
# rather than on every single submission (each load is four queries). A published version is
# immutable, so an entry can only go stale when a key is reused or a disclosure rule (data
# outside the versions) is edited: keys hold the version's pk and publication time and a token
# that `catalog.services` renews in the shared cache on every publication and every change of
# a rule (a restored database or a test database reusing pks), and any save of a version, item,
# field or rule in this process empties the cache (test databases, fixtures, admin edits).
_ITEM_CACHE: dict[tuple, CatalogItem | None] = {}
_ITEM_CACHE_LIMIT = 500
_ITEM_CACHE_LOCK = threading.Lock()


# Which version is published, asked once per request otherwise (a query on every single
# submission): kept per process under the same token, and for a few seconds at most, so that
# even a publication whose token could not be renewed (cache outage) is seen within them.
_VERSION_TTL = 5.0
_published: tuple[str, float, CatalogVersion | None] | None = None


def clear_published_items_cache(*_args, **_kwargs) -> None:
    global _published
    with _ITEM_CACHE_LOCK:
        _ITEM_CACHE.clear()
        _published = None


for _model in (CatalogVersion, CatalogItem, CatalogField, Provider, DisclosureScheme, DisclosureRule):
    post_save.connect(
        clear_published_items_cache,
        sender=_model,
        weak=False,
        dispatch_uid=f"collection.published_items.save.{_model.__name__}",
    )
    post_delete.connect(
        clear_published_items_cache,
        sender=_model,
        weak=False,
        dispatch_uid=f"collection.published_items.delete.{_model.__name__}",
    )
m2m_changed.connect(
    clear_published_items_cache,
    sender=CatalogItem.providers.through,
    weak=False,
    dispatch_uid="collection.published_items.providers",
)


def _published_token() -> str | None:
    """The shared token of the latest publication, or None when the shared cache is unreachable
    (then nothing is cached: correctness never depends on the cache). A token lost from the
    cache (evicted, flushed, a restored database) is replaced by a new one, never by "": what
    was kept under an earlier token is never taken for current again."""
    try:
        token = cache.get(PUBLISHED_CATALOG_TOKEN)
        if token is None:
            cache.add(PUBLISHED_CATALOG_TOKEN, uuid.uuid4().hex, timeout=None)
            token = cache.get(PUBLISHED_CATALOG_TOKEN)
        return token
    except Exception:  # noqa: BLE001 — a cache outage must not stop submissions
        logger.warning("collection: shared cache unreachable, loading catalog items uncached")
        return None


def current_published_version(token: str | None = None) -> CatalogVersion | None:
    """`catalog.selectors.published_version()`, asked again after a publication (a new token)
    or after `_VERSION_TTL` seconds."""
    global _published
    token = token or _published_token()
    if token is None:
        return published_version()
    now = time.monotonic()
    kept = _published
    if kept is not None and kept[0] == token and now - kept[1] < _VERSION_TTL:
        return kept[2]
    version = published_version()
    _published = (token, now, version)
    return version


class PublishedItems:
    """The items of the published catalog, each loaded once with its fields and providers.

    A published version never changes, so a bulk import of 100,000 rows can pass one instance
    to every `submit_record` call instead of loading the item again for each row.
    """

    def __init__(self, version: CatalogVersion | None = None):
        self._items: dict[str, CatalogItem | None] = {}
        self._token: str | None = None
        if version is None:
            self._token = _published_token()
            version = current_published_version(self._token)
        self.version = version

    def get(self, code: str) -> CatalogItem | None:
        if code not in self._items:
            self._items[code] = self._cached_load(code)
        return self._items[code]

    def _cached_load(self, code: str) -> CatalogItem | None:
        version = self.version
        if version is None or version.status != CatalogVersion.Status.PUBLISHED or version.published_at is None:
            return self._load(code)
        if self._token is None:
            self._token = _published_token()
            if self._token is None:
                return self._load(code)
        key = (version.pk, version.published_at, self._token, code)
        try:
            return _ITEM_CACHE[key]
        except KeyError:
            pass
        item = self._load(code)
        with _ITEM_CACHE_LOCK:
            if len(_ITEM_CACHE) >= _ITEM_CACHE_LIMIT:
                _ITEM_CACHE.clear()
            _ITEM_CACHE[key] = item
        return item

    def _load(self, code: str) -> CatalogItem | None:
        if self.version is None:
            return None
        item = (
            CatalogItem.objects.filter(version=self.version, code=code)
            .select_related("disclosure_scheme")
            .prefetch_related(
                Prefetch("fields", queryset=CatalogField.objects.order_by("position", "id")),
                "disclosure_scheme__rules",
                Prefetch("providers", queryset=Provider.objects.only("id", "code")),
            )
            .first()
        )
        if item is not None:
            item.provider_ids = frozenset(p.id for p in item.providers.all())
        return item


def subject_by_identifier(kind: str, raw: str) -> Subject | None:
    """The subject with this identifier, looked up by its keyed hash (never by a clear value)."""
    try:
        value = normalise_identifier(kind, raw, allow_irregular=True).value
    except IdentifierError:
        return None
    return Subject.objects.filter(identifier_hash=identifier_hash(identifier_family(kind), value)).first()


def record_of_provider(*, provider: Provider, item_code: str, source_key: str) -> CreditRecord | None:
    return CreditRecord.objects.filter(provider=provider, item_code=item_code, source_key=source_key).first()


def tokens_of(provider: Provider) -> QuerySet[ApiToken]:
    """Active tokens first, newest first."""
    return (
        ApiToken.objects.filter(provider=provider)
        .select_related("created_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
    )


def open_name_mismatches(provider: Provider | None = None) -> QuerySet[NameMismatch]:
    """名称不一致 the center still has to follow up, latest first: a row whose name its subject
    has taken since (a registration record renamed it) is settled."""
    rows = NameMismatch.objects.exclude(submitted_name=F("subject__name")).select_related("subject", "provider")
    return rows.filter(provider=provider) if provider is not None else rows
