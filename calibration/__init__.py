"""Calibration: the figures each preset is held to, and (later) the fits that set parameters.

It runs presets, so it sits above the model in the project's layers.
"""

from .targets import Result, Target, evaluate, report, targets

__all__ = ["Result", "Target", "evaluate", "report", "targets"]
