"""The providers' public scorecard (`/providers/`, issue 15 §2; Art. 9, 14, 22 made visible):
monthly figures precomputed by a sweep (`services`), read by the public pages (`selectors`)."""
