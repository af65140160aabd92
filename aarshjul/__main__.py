from aarshjul.cli import main

main()
