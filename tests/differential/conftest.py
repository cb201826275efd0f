"""The op_db test's counts, printed at the end of a run that included it."""
import sys


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get("test_op_db")
    results = getattr(module, "RESULTS", None)
    if not results:
        return
    from op_db_runner import summary
    terminalreporter.write_line("op_db: " + summary(results))
