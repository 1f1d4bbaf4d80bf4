"""Statistical analysis reports (Art. 20) and the public /statistics/ page."""
