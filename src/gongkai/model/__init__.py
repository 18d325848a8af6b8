"""Canonical report model and the template declaration."""

from gongkai.model.report import Cell, Finding, Report, Source, SourceFile
from gongkai.model.template import TEMPLATES, V2019, V2021, Template, template_for_year

__all__ = [
    "TEMPLATES",
    "V2019",
    "V2021",
    "Cell",
    "Finding",
    "Report",
    "Source",
    "SourceFile",
    "Template",
    "template_for_year",
]
