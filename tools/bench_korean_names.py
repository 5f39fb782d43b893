"""Timings of Korean name reading and comparison (a script, not a test).

    .venv/bin/python tools/bench_korean_names.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

NAMES = ["Jang Song Thaek", "장성택", "張成澤", "Chang Sŏng-t'aek", "Kim Jong Un", "Ким Чен Ын", "KIM Yong Chol",
         "Ri Yong Ho", "Choe Ryong Hae", "Pak Pong Ju", "Olaf Scholz", "DJANG Tcheul Hy"]


def per_call(fn, *args, repeat: int = 2000) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn(*args)
    return (time.perf_counter() - started) / repeat * 1e6


def main() -> int:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); "
                          "import moneymen.names.korean; print(time.perf_counter() - t)"],
                         capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "src")})
    print(f"import moneymen.names.korean: {float(out.stdout) * 1000:.0f} ms (subprocess)")
    from moneymen.names.korean import compare_korean_names, read_korean_name
    from moneymen.names.korean.reading import read_korean_name as cached

    # first calls: tables load, syllable caches fill
    t = time.perf_counter()
    read_korean_name("Jang Song Thaek")
    read_korean_name("張成澤")
    print(f"first calls (tables load): {(time.perf_counter() - t) * 1000:.0f} ms")
    uncached = cached.__wrapped__
    print(f"{'name':22} {'uncached µs':>12} {'cached µs':>10} readings")
    for name in NAMES:
        print(f"{name:22} {per_call(uncached, name, repeat=500):12.1f} {per_call(cached, name):10.2f} "
              f"{len(cached(name))}")
    pairs = [("Jang Song Thaek", "장성택"), ("Kim Jong Un", "Ким Чен Ын"), ("Kim Jong Un", "Kim Jong Nam"),
             ("張成澤", "Chang Sŏng-t'aek"), ("KIM Yong Chol", "Kim Young-Cheol")]
    print(f"\n{'pair':42} {'compare µs':>10}")
    for left, right in pairs:
        a, b = cached(left)[0], cached(right)[0]
        compare_korean_names(a, b)
        print(f"{left + ' / ' + right:42} {per_call(compare_korean_names, a, b, repeat=20000):10.2f}")
    print(f"\n(total {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
