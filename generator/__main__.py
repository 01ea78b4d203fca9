"""``python -m perfsite``: the same command line as ``perfsite``."""

from perfsite.cli import main

if __name__ == "__main__":
    main()
