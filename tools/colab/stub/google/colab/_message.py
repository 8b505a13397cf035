"""``blocking_request``: Colab's frontend answers ``get_ipynb`` with the notebook in the browser.

The simulation's "browser" holds the notebook file named by ``COLAB_SIM_NOTEBOOK``.
"""

import json
import os


def blocking_request(request_type, request="", timeout_sec=5, parent=None):
    if request_type != "get_ipynb":
        raise NotImplementedError(f"the Colab simulation does not answer {request_type!r}")
    with open(os.environ["COLAB_SIM_NOTEBOOK"], encoding="utf-8") as f:
        return {"ipynb": json.load(f)}
