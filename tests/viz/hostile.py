"""Names that try to inject markup or script into viz's DOT, SVG and HTML, and a graph using them.

Each payload that could run sets `window.__pwn` (never `alert`, which would block the browser),
so a browser test can tell that nothing ran by reading one variable.
"""
from tinygrad_edu import Tensor, nn, viz
from tinygrad_edu.ops.unary import Tanh

# the region of the security review: an HTML-like DOT label that adds a javascript: link
URL_LABEL = '<x> URL="javascript:window.__pwn=9" target="_self" label=<click me>'
SCRIPT_TAG = "<script>window.__pwn=4</script>"
CLOSE_SCRIPT = "</script><script>window.__pwn=1</script>"
IMG_ONERROR = '<img src=x onerror="window.__pwn=2">'
COMMENT_OPEN = "<!--<script>"                       # would make the parser swallow </script>
BACKSLASHES = r"a\G\N\l|{b}"                        # DOT escapes and record structure
QUOTES = 'q" URL="javascript:window.__pwn=10" x="'
TITLE = '<img src=x onerror="window.__pwn=7"></title><script>window.__pwn=8</script>'

TENSOR_NAMES = (CLOSE_SCRIPT, IMG_ONERROR, COMMENT_OPEN, BACKSLASHES, QUOTES, URL_LABEL)
REGION_NAMES = (URL_LABEL, SCRIPT_TAG, BACKSLASHES, QUOTES)
MODULE_CLASS = '<img src=x onerror="window.__pwn=5">'
FUNCTION_CLASS = '<x> URL="javascript:window.__pwn=6" target="_self" label=<y>'


def hostile_function(name=FUNCTION_CLASS):
    """A working op (tanh) whose class is called `name`."""
    return type(name, (Tanh,), {})


def hostile_module(name=MODULE_CLASS):
    """A working Module (one Linear) whose class is called `name`."""
    def __init__(self):
        nn.Module.__init__(self)
        self.inner = nn.Linear(2, 2)

    def forward(self, x):
        return self.inner(x)
    return type(name, (nn.Module,), {"__init__": __init__, "forward": forward})


def hostile_graph():
    """A loss whose graph carries every hostile name: tensors, regions, a Module, a Function."""
    x = Tensor([[0.5, -1.0]], requires_grad=True, name=TENSOR_NAMES[0])
    h = x
    for name in TENSOR_NAMES[1:]:
        h = h * 1.5
        h.name = name
    model = hostile_module()()
    with viz.record(model):
        h = model(h)
    for name in REGION_NAMES:
        with viz.region(name):
            h = hostile_function().apply(h)
    loss = h.sum()
    loss.name = IMG_ONERROR
    return loss
