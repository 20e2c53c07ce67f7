import sys

from sifasuo_desktop.cli import main

sys.exit(main())
