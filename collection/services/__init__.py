"""State changes of the collection app: subjects, credit records and API tokens.

Each name is imported from the module that owns it (this package re-exports nothing, so that
every name has one place):

- `checks`: `check_submission`, the one validation of every channel, and `CheckMemo`, what a
  batch remembers from row to row;
- `subjects`: finding, creating and renaming subjects; who may name an organisation;
- `upsert`: the rule "insert or update a record", decided once for both paths below;
- `records`: `submit_record`, the single-record pipeline (web form, API, self-declaration);
- `batch`: `BatchWriter` and `submit_checked_batch`, the set-based path of bulk imports;
- `tokens`: API tokens;
- `errors`, `inserts`: what a submission is refused with; single-row INSERT statements.
"""
