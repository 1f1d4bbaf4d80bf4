"""Names of subjects: how they are compared, and the 名称不一致 page at /office/collection/names/."""
