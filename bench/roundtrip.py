"""The round-trip property tests with many more examples than CI runs.

python bench/roundtrip.py            # 2000 examples per format and kind of report
python bench/roundtrip.py 10000
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXAMPLES = 2000


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT_EXAMPLES)
    env = {**os.environ, "GONGKAI_ROUNDTRIP_EXAMPLES": examples, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "pytest", "-q", str(ROOT / "tests" / "test_roundtrip.py"), "-p", "no:cacheprovider"]
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
