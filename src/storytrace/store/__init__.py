from storytrace.store.sqlite import Store

__all__ = ["Store"]
