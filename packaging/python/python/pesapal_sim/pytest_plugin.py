"""The pytest plugin (entry point `pytest11`): the `pesapal_sim` fixture.

One simulator process serves the whole test run; each test that asks for `pesapal_sim` gets it
reset (no tokens, IPNs, orders, deliveries, faults; clock at zero). The options it starts with come
from the `pesapal_sim_options` fixture: override it (session scope) in a `conftest.py`.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from pesapal_sim._simulator import Simulator


@pytest.fixture(scope="session")
def pesapal_sim_options() -> Dict[str, Any]:
    """Keyword arguments of the session's `Simulator` (default none: a random seed and credentials)."""
    return {}


@pytest.fixture(scope="session")
def pesapal_sim_session(pesapal_sim_options: Dict[str, Any]) -> Iterator[Simulator]:
    """The simulator process shared by the run (not reset: most tests want `pesapal_sim`)."""
    with Simulator(**pesapal_sim_options) as sim:
        yield sim


@pytest.fixture
def pesapal_sim(pesapal_sim_session: Simulator) -> Simulator:
    """A clean simulator for this test: the session's, reset."""
    pesapal_sim_session.reset()
    return pesapal_sim_session
