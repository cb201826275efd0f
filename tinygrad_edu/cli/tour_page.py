"""The tour's summary: a table in the terminal and `index.html` showing every picture.

The page is one static HTML file next to the pictures (relative links, no script, no
network), so the output folder can be zipped, mailed or opened from a USB stick.
"""
import html
import os

from tinygrad_edu.safe_files import atomic_write

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } .sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0 2em; font-size: 0.95em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.8em; text-align: left; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 2.5em; } figure img { max-width: 100%; border: 1px solid #e4e4e4; }
figcaption { color: #444; font-size: 0.93em; margin-top: 0.4em; max-width: 800px; }
iframe { width: 100%; height: 560px; border: 1px solid #e4e4e4; }
"""


def fmt_accuracy(result) -> str:
    """'97.5% (chance 50.0%)', or '-' for a model without accuracy."""
    if result.accuracy is None:
        return "-"
    return f"{result.accuracy:.1%} (chance {result.chance:.1%})"


def table_rows(results):
    """Rows of the summary: model, task, parameters, final validation loss, accuracy, seconds."""
    return [(r.name, r.task, f"{r.parameters:,}", f"{r.loss:.4f}", fmt_accuracy(r),
             f"{r.seconds:.1f}") for r in results]


HEADER = ("model", "data", "parameters", "final val loss", "val accuracy", "seconds")


def text_table(results) -> str:
    """The summary as an aligned text table for the terminal."""
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_index(out: str, results, pictures, seconds: float, quick: bool, seed: int) -> str:
    """Write index.html (table, notes, every picture with its caption); return its path."""
    esc = html.escape
    rows = "\n".join("<tr>" + "".join(f'<td{" class=num" if i > 1 else ""}>{esc(c)}</td>'
                                      for i, c in enumerate(row)) + "</tr>"
                     for row in table_rows(results))
    notes = "\n".join(f"<li><b>{esc(r.name)}</b>: {esc(r.note)}</li>" for r in results)
    figures = []
    for name, caption in pictures:
        if name.endswith(".html"):
            body = (f'<iframe src="{esc(name)}" title="{esc(caption)}"></iframe>'
                    f'<br><a href="{esc(name)}">open {esc(name)} on its own</a>')
        else:
            body = f'<a href="{esc(name)}"><img src="{esc(name)}" alt="{esc(caption)}"></a>'
        figures.append(f"<figure id=\"{esc(os.path.splitext(name)[0])}\">{body}"
                       f"<figcaption><code>{esc(name)}</code>: {esc(caption)}</figcaption></figure>")
    mode = "quick tour" if quick else "full tour"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tinygrad_edu tour</title>
<style>{STYLE}</style></head><body>
<h1>tinygrad_edu: the tour</h1>
<p class="sub">{mode}, seed {seed}, {seconds:.1f} s in all. Every model below was trained just now,
on data generated on the spot, by the autodiff engine you installed (numpy only).</p>
<h2>What was trained</h2>
<table><thead><tr>{''.join(f'<th>{esc(h)}</th>' for h in HEADER)}</tr></thead>
<tbody>
{rows}
</tbody></table>
<ul>
{notes}
</ul>
<h2>Pictures</h2>
{chr(10).join(figures)}
<p class="sub">Made by <code>tinygrad-edu tour{' --quick' if quick else ''} --seed {seed}</code>.
Train one model yourself with <code>tinygrad-edu train --model cnn --data shapes</code>.</p>
</body></html>
"""
    path = os.path.join(out, "index.html")
    atomic_write(path, page, owner="tinygrad-edu tour")     # a planted symlink is replaced
    return path
