"""``download``: Colab sends a file of the runtime to the browser; the simulation logs its path
in the file named by ``COLAB_SIM_DOWNLOADS``."""

import os


def download(filename):
    if not os.path.exists(filename):
        raise FileNotFoundError(f"Cannot find file: {filename}")
    with open(os.environ["COLAB_SIM_DOWNLOADS"], "a", encoding="utf-8") as log:
        log.write(os.path.abspath(filename) + "\n")
