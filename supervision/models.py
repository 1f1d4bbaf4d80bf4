"""The models of supervision, kept with their features (pretix-style packages) and gathered here
so that Django finds them under the app."""

from .accountability.models import (  # noqa: F401
    AccountabilityAttachment,
    AccountabilityCase,
    AccountabilityLetter,
    AccountabilityStep,
)
from .filings.models import Filing, FilingReminder, FilingStep  # noqa: F401
from .providers.models import ProviderItemMonth, ProviderMonth  # noqa: F401
from .statistics.models import HeadlineFigures, MonthlyFigures, StatisticalReport  # noqa: F401
