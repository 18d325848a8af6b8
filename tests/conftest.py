"""Shared fixtures: where the real documents are (``../shared`` beside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# timings vary with machine load (CI has 2 shared cores): tests assert behaviour, not speed
settings.register_profile("gongkai", deadline=None)
settings.load_profile("gongkai")

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def shared_file(sub: str, pattern: str) -> Path:
    """The one file of ``shared/sub`` matching ``pattern``, or skip when shared/ is absent."""
    d = SHARED / sub
    if not d.is_dir():
        pytest.skip(f"shared documents not found at {d} (set GONGKAI_SHARED)")
    hits = sorted(d.glob(pattern))
    if not hits:
        pytest.skip(f"{pattern} not found in {d}")
    return hits[0]
