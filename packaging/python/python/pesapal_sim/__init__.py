"""A stateful, offline Pesapal API 3.0 for tests (see `Simulator` and the `pesapal_sim` pytest fixture)."""

from pesapal_sim._binary import find_pesapal_sim_bin
from pesapal_sim._simulator import OPERATIONS, ControlError, Simulator, StartError

__all__ = ["OPERATIONS", "ControlError", "Simulator", "StartError", "find_pesapal_sim_bin"]
