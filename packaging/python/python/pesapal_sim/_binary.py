"""Where the wheel put the simulator's binary (maturin's `bin` bindings install it as a script)."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

#: Set to a path to run another pesapal-sim binary than the bundled one.
BINARY_ENV = "PESAPAL_SIM_BINARY"


def find_pesapal_sim_bin() -> Path:
    """The `pesapal-sim` binary: `$PESAPAL_SIM_BINARY`, else the one installed with this package.

    Looked for, as ruff looks for its own, in the interpreter's scripts directory, the user
    scheme's, and the scripts directory of the environment this package is installed in (for an
    interpreter that is not the environment's own, e.g. with `pip install --target`).
    """
    override = os.environ.get(BINARY_ENV)
    if override:
        return Path(override)
    exe = "pesapal-sim" + (sysconfig.get_config_var("EXE") or "")
    candidates = [Path(sysconfig.get_path("scripts")) / exe]
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    else:
        user_scheme = "posix_user"
    candidates.append(Path(sysconfig.get_path("scripts", scheme=user_scheme)) / exe)
    # <prefix>/lib/pythonX.Y/site-packages/pesapal_sim/_binary.py -> <prefix>/bin
    package = Path(__file__).resolve().parent
    candidates.append(package.parents[3] / ("Scripts" if os.name == "nt" else "bin") / exe)
    candidates.append(package.parent / "bin" / exe)  # pip install --target DIR: DIR/bin
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"the pesapal-sim binary is not installed (looked in {searched}); set ${BINARY_ENV}")
