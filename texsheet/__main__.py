from texsheet.cli import main

main(prog_name="texsheet")
