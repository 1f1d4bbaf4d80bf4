"""Demo data for 南通信用网 (`python manage.py seed_demo`).

The data modules (`providers`, `catalog`, `subjects`, `records`, `accounts`) only describe what
a believable Nantong platform holds; `loader` puts it in the database through the same services
that real submissions and catalog edits use, so demo data is validated and audited like real data.
`workflows` describes and makes the demo cases (commitments, authorizations, objections, a repair
application) through their apps' services, acting as the demo accounts; `evidence` makes the
PDFs attached to them.
"""
