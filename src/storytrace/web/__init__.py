"""``storytrace serve``: HTML UI, JSON API and API reference over a store.

``create_app`` needs the ``serve`` extra (FastAPI); importing this package does not.
"""


def create_app(*args, **kwargs):
    from storytrace.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
