"""Claims: the checkable units of a report (quantities, entities, quotes, attributions,
hedges, dates), extracted per sentence with character spans into the article text."""

from storytrace.claims.extract import (
    MODEL_NAME,
    extract_claims,
    extract_claims_many,
    get_nlp,
    parse_number,
    resolve_date_expression,
    sourcing_profile,
)

__all__ = [
    "MODEL_NAME",
    "extract_claims",
    "extract_claims_many",
    "get_nlp",
    "parse_number",
    "resolve_date_expression",
    "sourcing_profile",
]
