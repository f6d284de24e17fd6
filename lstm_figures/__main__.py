"""``python -m lstm_figures``: the ``lstm-figures`` command."""

from lstm_figures.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
