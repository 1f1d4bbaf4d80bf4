"""DATABASE_REPLICA_URLS and its companions, read the way settings.py reads them."""

from nantong_credit import checks
from nantong_credit.settings import replica_database

DEFAULT = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "nantong_credit",
    "HOST": "db",
    "PORT": 5432,
    "CONN_MAX_AGE": 60,
    "CONN_HEALTH_CHECKS": True,
    "OPTIONS": {"sslmode": "require"},
}


def test_a_replica_takes_its_address_from_its_url_and_its_options_from_the_default():
    replica = replica_database("postgres://reader:secret@db-replica:5433/nantong_credit?application_name=web", DEFAULT)
    assert (replica["HOST"], replica["PORT"], replica["USER"], replica["PASSWORD"], replica["NAME"]) == (
        "db-replica",
        5433,
        "reader",
        "secret",
        "nantong_credit",
    )
    assert replica["OPTIONS"] == {"sslmode": "require", "application_name": "web", "connect_timeout": 2}
    assert (replica["CONN_MAX_AGE"], replica["CONN_HEALTH_CHECKS"]) == (60, True)
    # The test runner creates no database on a read-only standby: it mirrors the default's.
    assert replica["TEST"] == {"MIRROR": "default"}


def test_it_warns_when_a_writer_could_outrun_its_pin(settings):
    settings.READ_REPLICA_ALIASES = ["replica_0"]
    settings.REPLICA_MAX_LAG_SECONDS = 10
    settings.READ_YOUR_WRITES_SECONDS = 5
    assert [w.id for w in checks.read_your_writes_outlasts_lag(None)] == ["nantong_credit.W020"]
    settings.READ_YOUR_WRITES_SECONDS = 12
    assert checks.read_your_writes_outlasts_lag(None) == []
