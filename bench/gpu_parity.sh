#!/usr/bin/env bash
# GPU parity: every exercise's selftest and the whole corpus, graded on CUDA (and CPU), on one
# machine with a GPU, in under 8 minutes; writes a short report. Nothing is downloaded: prep is put
# on the path of the machine's own python3 (which holds a CUDA torch) with a .pth file, without
# dependencies. Pure-Python packages the machine lacks travel as wheels in .whl/ (see
# bench/README.md); nbformat is the only one, and without it the notebook cases are skipped.
#
#   bench/gpu_parity.sh                # report in $OUT (the device tool's) or bench/results/gpu/
#   JOBS=8 BUDGET_S=420 bench/gpu_parity.sh
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/results/gpu}
mkdir -p "$out"
py=${PYTHON:-python3}

if ls .whl/*.whl >/dev/null 2>&1; then
  "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH=/tmp/site
fi
# The worker runs `python -I -m grader.worker`, which ignores PYTHONPATH: a .pth file in the
# interpreter's own site-packages makes this checkout importable there too.
"$py" - <<'PY' || exit 2
import pathlib, sysconfig
site = pathlib.Path(sysconfig.get_paths()["purelib"])
(site / "prep-checkout.pth").write_text(str(pathlib.Path.cwd()) + "\n")
print(f"prep on the path of {sysconfig.get_paths()['purelib']}")
PY
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
PYTHONUNBUFFERED=1 "$py" bench/gpu_parity.py --jobs "${JOBS:-8}" --budget-s "${BUDGET_S:-420}" --out "$out"
