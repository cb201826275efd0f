"""The op_db test's counts, printed at the end of a run that included it."""
import sys


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get("test_op_db")
    results = getattr(module, "RESULTS", None)
    if not results:
        return
    ops = {r.name for r in results}
    bad = {r.name for r in results if r.problems}
    terminalreporter.write_line(
        f"op_db: {len(ops)} ops matched ({len(results)} OpInfos run), {len(ops - bad)} agree on "
        f"every sample; samples {sum(r.samples for r in results)}, agreeing "
        f"{sum(r.agreeing for r in results)}; error inputs {sum(r.errors for r in results)}, "
        f"raising here {sum(r.errors_raised for r in results)}")
