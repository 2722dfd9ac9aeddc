from .norm import CommonCost, HousingCap, LocalGuideline, NormYear, PersonalCost

__all__ = ["CommonCost", "HousingCap", "LocalGuideline", "NormYear", "PersonalCost"]

# Registers the riksnorm reference loader (load_demo) when the app loads. Belongs in
# EkbistConfig.ready(); kept here because apps.py is shared with the SSBTEK work.
from sambruk.ekbist import norm_data as _norm_data  # noqa: E402, F401
