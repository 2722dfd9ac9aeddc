from .application import Application, ApplicationKind, ApplicationState, FetchedValue
from .decision import Decision, DecisionItem, Outcome, Payment
from .multifraga import MultifragaQuery
from .norm import CommonCost, HousingCap, LocalGuideline, NormYear, PersonalCost

__all__ = [
    "Application",
    "ApplicationKind",
    "ApplicationState",
    "CommonCost",
    "Decision",
    "DecisionItem",
    "FetchedValue",
    "HousingCap",
    "LocalGuideline",
    "MultifragaQuery",
    "NormYear",
    "Outcome",
    "Payment",
    "PersonalCost",
]
