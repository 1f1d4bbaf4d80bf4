"""Demo subjects (信息主体) spread over Nantong's districts and counties.

The names are invented but built the way Nantong's are (字号 after a town, a river or a local
trade: 叠石桥 home textiles in 海门, 吕四港 fishing in 启东, 花木 in 如皋, 茧丝绸 in 海安).
Codes carry the division code of the authority that issued them: codes issued before a
district reform keep the old division (海门市 320684 until 2020, 海安县 320621 until 2018,
港闸区 320611 until 2020), as real codes do.
"""

from .individuals import INDIVIDUAL_BUSINESSES, NATURAL_PERSONS
from .organisations import LEGAL_PERSONS
from .subject_spec import OrganisationSpec, PersonSpec

# By kind in `organisations` and `individuals`; their shape in `subject_spec`.
ALL_SUBJECTS: list[OrganisationSpec | PersonSpec] = [*LEGAL_PERSONS, *INDIVIDUAL_BUSINESSES, *NATURAL_PERSONS]
BY_KEY: dict[str, OrganisationSpec | PersonSpec] = {spec.key: spec for spec in ALL_SUBJECTS}
