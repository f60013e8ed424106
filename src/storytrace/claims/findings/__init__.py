"""The audit's checks, one module per kind of finding; ``claims.audit._Auditor`` joins them."""
