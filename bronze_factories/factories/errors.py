"""The factories' two refusals: an override that would break the contract, and rows the database refused."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


class ContractError(ValueError):
    """An override the factories cannot honour without breaking the bronze contract.

    ``rule`` names the validator rule the row would break (e.g. ``order_after_registration``); the
    message says which values clash and what to pass instead. Subclasses ``ValueError``, like the
    factories' other refusals.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule


class FactoryDatabaseError(RuntimeError):
    """The database refused rows the factories wrote: one short line, not the INSERT's parameters.

    The driver's error is kept as ``orig`` (and the SQLAlchemy one as ``statement_error``). The
    session must be rolled back before it is used again, as after any failed flush.
    """

    def __init__(self, message: str, orig: BaseException | None = None,
                 statement_error: BaseException | None = None) -> None:
        super().__init__(message)
        self.orig = orig
        self.statement_error = statement_error

    @classmethod
    def of(cls, exc: BaseException) -> FactoryDatabaseError:
        orig = getattr(exc, "orig", None) or exc
        lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
        detail = next((line for line in lines[1:] if line.startswith("DETAIL")), None)
        text = "; ".join(x for x in (lines[0] if lines else "", detail) if x)
        if len(text) > 300:
            text = text[:297] + "..."
        return cls(f"the database refused the factories' rows: {type(orig).__name__}: {text}", orig,
                   exc if exc is not orig else None)


def flush(session: Session) -> None:
    """``session.flush()``, with a database error cut down to :class:`FactoryDatabaseError`."""
    try:
        session.flush()
    except DBAPIError as exc:
        raise FactoryDatabaseError.of(exc) from None


__all__ = ["ContractError", "FactoryDatabaseError", "flush"]
