from moneymen.cli import main

main()
