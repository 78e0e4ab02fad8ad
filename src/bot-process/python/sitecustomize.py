# Loaded by a Python bot that cometbot starts (PYTHONPATH): aiohttp ignores the proxy variables unless a
# session is made with trust_env=True, so sessions are made trusting the environment by default, as
# requests, httpx and urllib do. Then any sitecustomize of the bot's own further down the path runs.
import importlib.abc
import importlib.util
import os
import sys


def _patch(aiohttp):
    session = aiohttp.ClientSession
    if getattr(session, "_cometbot_routed", False):
        return
    original = session.__init__

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("trust_env", True)
        original(self, *args, **kwargs)

    session.__init__ = __init__
    session._cometbot_routed = True


class _AfterImport(importlib.abc.MetaPathFinder):
    """Patches aiohttp as soon as the bot imports it (importing it here would slow every Python bot)."""

    def find_spec(self, name, path=None, target=None):
        if name != "aiohttp":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def patched(module):
            exec_module(module)
            try:
                _patch(module)
            except Exception:
                pass

        loader.exec_module = patched
        return spec


if os.environ.get("COMETBOT_ROUTE_TO"):
    sys.meta_path.insert(0, _AfterImport())

# The bot's own sitecustomize, if any, still runs.
_here = os.path.dirname(os.path.abspath(__file__))
for _dir in sys.path:
    if _dir and os.path.abspath(_dir) != _here and os.path.isfile(os.path.join(_dir, "sitecustomize.py")):
        _spec = importlib.util.spec_from_file_location("_bot_sitecustomize", os.path.join(_dir, "sitecustomize.py"))
        if _spec and _spec.loader:
            _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
        break
