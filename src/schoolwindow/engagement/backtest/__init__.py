"""How the early warning would have done: on OULAD (real learners' outcomes) and on a school's
own history. `schoolwindow backtest --help`; docs/backtest.md."""
