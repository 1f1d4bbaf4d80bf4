"""A provider's API tokens in the back office (/office/collection/tokens/)."""
