"""Back-office review queues (/office/collection/review/): bindings, identities, self-declarations."""
