"""`python -m pesapal_sim`: runs the bundled `pesapal-sim` binary with the given arguments."""

from __future__ import annotations

import os
import subprocess
import sys

from pesapal_sim._binary import find_pesapal_sim_bin


def main() -> int:
    """Runs the binary; its exit code is ours."""
    binary = os.fsdecode(find_pesapal_sim_bin())
    if sys.platform == "win32":
        return subprocess.run([binary, *sys.argv[1:]]).returncode
    os.execv(binary, [binary, *sys.argv[1:]])
    return 1  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
