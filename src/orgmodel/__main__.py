"""``python -m orgmodel``: the same as the ``orgmodel`` command."""

from orgmodel._cli import run

if __name__ == "__main__":
    run()
