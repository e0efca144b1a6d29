"""The indicator engine: facts, the SQL builder and the indicator families.

`CODE_VERSION` fingerprints the engine's and the catalogue's source, so that a
run records which computation produced it (an incremental run builds only on
a run of the same code version).
"""

import hashlib
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted([*_ROOT.rglob("*.py"), _ROOT.parent / "catalogue.py"]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _fingerprint()
