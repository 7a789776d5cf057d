"""``python -m vecdream ...``: the command line, as the ``vecdream`` script runs it."""

from vecdream.cli import main

if __name__ == "__main__":
    main(prog_name="vecdream")
