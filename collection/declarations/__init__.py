"""Self-declarations (自主申报, Art. 10) and warning records (警示记录, Art. 23)."""
