from .norm import CommonCost, HousingCap, LocalGuideline, NormYear, PersonalCost

__all__ = ["CommonCost", "HousingCap", "LocalGuideline", "NormYear", "PersonalCost"]
