#!/usr/bin/env python
from quartiers.cli import main

if __name__ == "__main__":
    main()
