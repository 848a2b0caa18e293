"""The texsheet command (also `python -m texsheet`): Ctrl-C while it starts stops it quietly."""
import sys


def run() -> None:
    try:
        from texsheet.cli import main

        main(prog_name="texsheet")
    except KeyboardInterrupt:
        sys.stderr.write("texsheet: stopped\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
