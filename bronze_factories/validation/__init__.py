"""The contract validator: every statement of ``bronze-contract.md`` as one SQL query.

``bronze_factories.validate`` is the entry point (CLI and :func:`validate`); the rules live in the
``rules_*`` modules, written with ``sql``; the FROM clauses several rules read are in ``passes``
(the runner reads each once per run: ``shared``); ``tuning`` sets up a run on PostgreSQL.
"""

from .report import CATEGORIES, Report, RuleResult
from .runner import RULE_NAMES, RULES, ValidationSetupError, select_rules, validate

__all__ = ["CATEGORIES", "RULES", "RULE_NAMES", "Report", "RuleResult", "ValidationSetupError", "select_rules",
           "validate"]
