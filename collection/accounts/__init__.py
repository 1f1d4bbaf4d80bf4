"""The account area of the portal (/account/): registration, bindings and self-declarations of a user."""
