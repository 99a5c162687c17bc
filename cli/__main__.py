"""`python -m cli` / `sll`: the staff command line."""

from cli.app import main

if __name__ == "__main__":
    main()
