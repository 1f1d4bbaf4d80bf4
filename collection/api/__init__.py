"""The provider API (Art. 9 实时联网提供) at /api/v1/records/: authentication, shapes, services and views."""
