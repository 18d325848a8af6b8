"""Testing helpers: reports generated from the model, planted defects, damage to documents.

Shipped with the package so that benchmarks, property tests and the sample reports all
draw from one generator.
"""

from __future__ import annotations

from gongkai.testing.generate import GeneratedReport, generate

__all__ = ["GeneratedReport", "generate"]
