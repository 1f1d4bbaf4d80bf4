"""Demo data for 南通信用网 (`python manage.py seed_demo`).

The kernel holds the loader (`loader`: the steps the apps register, run in order in one
transaction), the demo accounts (`accounts`) and helpers every app's data uses (`codes` for
valid identifiers, `evidence` for the PDFs attached to cases). Each app describes and loads its
own data in its `demo` module: catalog (providers, disclosure rules, the catalog), collection
(subjects, records, the demo binding), inquiry, objections and repair (their demo cases).
"""
