"""The topology test's parts (`deploy/topology-test` runs deploy/topology_test.py): `common`
(settings, helpers), `traffic` (HTTPS clients and figures), `processes` (the machine's processes)
and `phases` (the checks). Puts .ci/ (the production smoke) and the repository on the path.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(ROOT / ".ci"), str(ROOT)]
