"""The timeliness report (报送及时性, Art. 9 and 22) at /office/collection/compliance/."""
