"""bench/issue11_probes.py --quick runs a few hostile probes of every group of issue 11 against the real
`sifasuo` command; any unclean case (traceback, wrong exit code, managed file changed, data changed after a
refusal) makes it exit 1 and this test fail."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_probes_are_all_clean():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    p = subprocess.run([sys.executable, "-m", "bench.issue11_probes", "--quick"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    groups = [line for line in p.stdout.splitlines() if " tried / " in line and not line.startswith("total")]
    assert len(groups) == 8, out
    for line in groups:
        tried, clean = line.split(":", 1)[1].split("(")[0].replace("clean", "").split("tried /")
        assert int(tried) > 0 and int(tried) == int(clean), line
