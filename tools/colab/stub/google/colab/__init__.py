"""A stand-in for Colab's ``google.colab`` package, for the Colab simulation (tools.colab_sim).

Only what the course's notebooks use: ``_message.blocking_request("get_ipynb")`` and
``files.download``. Importing it (as Colab's kernel does at start) makes
``"google.colab" in sys.modules`` true, so the notebooks' setup cells take their Colab branch.
"""

from . import _message, files  # noqa: F401
