"""viz.backprop_steps: the delta recursion (seed 003) shown op by op, checked against
closed forms, against the engine's backward and against central differences."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu import viz
from tinygrad_edu import Tensor


def leaf_totals(steps):
    """Sum what the steps sent to each leaf: that is the leaf's gradient."""
    totals = {}
    for step in steps:
        for t, g in zip(step.inputs, step.grad_inputs):
            if g is not None and t.grad_fn is None:
                totals[id(t)] = totals.get(id(t), 0) + g
    return totals


def test_micrograd_example_step_by_step():
    a, b = Tensor(2.0, requires_grad=True), Tensor(-3.0, requires_grad=True)
    c, f = Tensor(10.0, requires_grad=True), Tensor(-2.0, requires_grad=True)
    d = a * b + c
    loss = d * f
    steps = list(viz.backprop_steps(loss))
    assert [s.op for s in steps] == ["Mul", "Add", "Mul"]
    last, add, first = steps
    assert last.output is loss and float(last.grad_output) == 1.0
    assert [float(g) for g in last.grad_inputs] == [-2.0, 4.0]      # dL/dd = f, dL/df = d
    assert float(add.grad_output) == -2.0 and [float(g) for g in add.grad_inputs] == [-2.0, -2.0]
    assert [float(g) for g in first.grad_inputs] == [6.0, -4.0]     # f*b, f*a
    assert a.grad is None and b.grad is None                         # .grad left alone


def test_delta_recursion_of_seed_003_for_a_two_layer_leaky_relu_net():
    # f(x) = W2 phi(W1 x), phi = leaky ReLU with slope 0.1 (seed 003), L = sum of f
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(5, 3)))
    w1 = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w2 = Tensor(rng.normal(size=(2, 4)), requires_grad=True)
    z1 = x.linear(w1)
    loss = z1.leaky_relu(0.1).linear(w2).sum()
    delta2 = np.ones((5, 2))                                         # dL/df
    phi_prime = np.where(z1.data >= 0, 1.0, 0.1)
    # delta^(1) = diag(phi'(z1)) W2^T delta^(2), one row per sample
    delta1 = phi_prime * (delta2 @ w2.data)
    ordered = list(viz.backprop_steps(loss))
    assert [s.op for s in ordered] == ["Sum", "Linear", "LeakyRelu", "Linear"]
    np.testing.assert_allclose(ordered[1].grad_output, delta2)
    np.testing.assert_allclose(ordered[2].grad_output, delta2 @ w2.data)
    np.testing.assert_allclose(ordered[2].grad_inputs[0], delta1)
    np.testing.assert_allclose(ordered[3].grad_output, delta1)
    # dL/dW^(i) = delta^(i)^T V^(i-1): the activations feeding layer i
    np.testing.assert_allclose(ordered[3].grad_inputs[1], delta1.T @ x.data)
    np.testing.assert_allclose(ordered[1].grad_inputs[1],
                               delta2.T @ np.where(z1.data >= 0, z1.data, 0.1 * z1.data))


def test_steps_sum_to_backward_and_to_central_differences():
    rng = np.random.default_rng(1)
    model = nn.MLP([3, 5, 2], activation="tanh")
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    x = Tensor(rng.normal(size=(4, 3)))
    target = Tensor(rng.normal(size=(4, 2)))

    def loss_fn():
        diff = model(x) - target
        return (diff * diff).mean()

    loss = loss_fn()
    totals = leaf_totals(viz.backprop_steps(loss))
    loss.backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(totals[id(p)], p.grad.data, rtol=1e-12, atol=1e-15,
                                   err_msg=name)
    # and one weight against float64 central differences
    w = model.layers[0].weight
    numeric = np.zeros_like(w.data)
    for index in np.ndindex(w.shape):
        saved = w.data[index]
        w.data[index] = saved + 1e-6
        up = loss_fn().item()
        w.data[index] = saved - 1e-6
        down = loss_fn().item()
        w.data[index] = saved
        numeric[index] = (up - down) / 2e-6
    np.testing.assert_allclose(totals[id(w)], numeric, rtol=1e-5, atol=1e-8)


def test_reuse_broadcast_and_indexing_give_full_gradients():
    a = Tensor([3.0], requires_grad=True)
    steps = list(viz.backprop_steps((a * a).sum()))
    assert [g.tolist() for g in steps[-1].grad_inputs] == [[3.0], [3.0]]     # 2a = 3 + 3
    m = Tensor(np.ones((4, 3)), requires_grad=True)
    bias = Tensor(np.zeros(3), requires_grad=True)
    totals = leaf_totals(viz.backprop_steps((m + bias).sum()))
    assert totals[id(bias)].tolist() == [4.0, 4.0, 4.0]                      # summed over rows
    v = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    totals = leaf_totals(viz.backprop_steps(v[0] * v[2] + v[1]))
    np.testing.assert_array_equal(totals[id(v)], [3.0, 1.0, 1.0])


def test_the_graph_survives_and_backward_still_works():
    w = Tensor([1.0, -2.0], requires_grad=True)
    loss = (w * w).sum()
    list(viz.backprop_steps(loss))
    loss.backward()
    assert w.grad.tolist() == [2.0, -4.0]
    with pytest.raises(RuntimeError, match=r"freed by backward\(\).*retain_graph=True"):
        list(viz.backprop_steps(loss))


def test_non_scalar_loss_needs_a_gradient_and_leaves_have_no_steps():
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = w * 3.0
    with pytest.raises(ValueError, match=r"loss has shape \(2,\); pass gradient="):
        list(viz.backprop_steps(y))
    steps = list(viz.backprop_steps(y, gradient=[1.0, 10.0]))
    assert steps[0].grad_inputs[0].tolist() == [3.0, 30.0]
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\) does not match"):
        list(viz.backprop_steps(y, gradient=[1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="it is a leaf"):
        list(viz.backprop_steps(w))
    with pytest.raises(TypeError, match="expected a Tensor"):
        list(viz.backprop_steps(3.0))


def test_grad_mode_is_not_changed_between_steps():
    from tinygrad_edu import is_grad_enabled
    w = Tensor([1.0], requires_grad=True)
    for _ in viz.backprop_steps((w.exp() * 2).sum()):
        assert is_grad_enabled()


def test_backprop_table_reads_like_the_recursion():
    a = Tensor(0.5, requires_grad=True, name="a", dtype=np.float64)
    b = Tensor(-3.0, requires_grad=True, name="b", dtype=np.float64)
    e = a * b
    e.name = "e"
    loss = e.tanh()
    loss.name = "L"
    table = viz.backprop_table(loss)
    lines = table.splitlines()
    assert lines[0] == "1. Tanh L: dL/d(out) = 1"
    assert lines[1] == f"     -> e: {1 - np.tanh(-1.5) ** 2:.4g}"
    assert lines[2].startswith("2. Mul e: dL/d(out) = ")
    assert [line.split(":")[0].strip() for line in lines[3:]] == ["-> a", "-> b"]


def test_draw_backprop_shows_what_has_arrived_after_each_step():
    from viz_helpers import parse, fields, find_tensor, micrograd_example
    loss = micrograd_example()

    def grads_after(step):
        nodes, _, _ = parse(viz.draw_backprop(loss, step).source)
        shown = {}
        for name in ("a", "b", "c", "d", "e", "f", "L"):
            last = fields(nodes[find_tensor(nodes, name)]["attrs"]["label"])[-1]
            shown[name] = last if last.startswith("grad") else None
        red = [i for i, n in nodes.items() if n["attrs"].get("color") == "#dc3545"]
        return shown, red

    shown, red = grads_after(1)
    assert shown == {"L": "grad 1", "d": "grad -2", "f": "grad 4",
                     "a": None, "b": None, "c": None, "e": None}
    assert red == ["op2"]                                  # the last Mul ran first
    shown, red = grads_after(3)
    assert shown == {"L": "grad 1", "d": "grad -2", "f": "grad 4", "c": "grad -2",
                     "e": "grad -2", "a": "grad 6", "b": "grad -4"}
    assert red == ["op0"]
    a = loss.grad_fn.inputs[0].grad_fn.inputs[0].grad_fn.inputs[0]    # L = (a * b + c) * f
    assert a.name == "a" and a.grad is None                # nothing accumulated
    with pytest.raises(ValueError, match="this graph has 3 backprop steps, asked for step 4"):
        viz.draw_backprop(loss, 4)
    with pytest.raises(ValueError, match="from 1; got 0"):
        viz.draw_backprop(loss, 0)


def test_table_of_a_matrix_has_single_commas_and_no_negative_zero():
    w = Tensor([[0.5], [-0.0]], requires_grad=True, name="w")
    table = viz.backprop_table((w * 1.0).sum())
    assert "-> w: [[1], [1]]" in table
    assert ",," not in table and "-0" not in viz.backprop_table((w * -0.0).sum())


def test_steps_carry_the_local_rule_and_running_totals_of_a_tensor_used_twice():
    a = Tensor(3.0, requires_grad=True, name="a")
    b = a * 2.0
    b.name = "b"
    steps = list(viz.backprop_steps(b * a))
    first, second = steps
    assert first.rule == "out = b * a: dout/db = a = 3, dout/da = b = 6"
    assert second.rule == "out = a * constant: dout/da = constant = 2, dout/dconstant = a = 3"
    assert float(first.totals[1]) == 6.0                     # a, by the first path
    assert float(second.totals[0]) == 12.0 == 2 * 3 * 2      # + 6 by the second: d(2a^2)/da = 4a
    assert first.node is first.output.grad_fn and second.node is b.grad_fn


def test_print_backprop_writes_the_delta_recursion_of_seed_003(capsys):
    rng = np.random.default_rng(3)
    x = Tensor(rng.normal(size=(2, 3)), name="x")
    layer = nn.Linear(3, 2)
    layer.weight.name = "W"
    layer.bias.name = "b"
    loss = layer(x).relu().sum()
    loss.name = "L"
    viz.print_backprop(loss)
    text = capsys.readouterr().out
    loss.backward(retain_graph=True)
    assert text.startswith("Backprop of L through 3 ops")
    assert "step 3 of 3: Linear out = Linear(x, W, b)" in text
    from tinygrad_edu.viz.labels import one_line
    # dL/dW = delta^T x, with the numbers of the engine's W.grad
    assert f"dL/dW += {one_line(layer.weight.grad.data)} = delta^T x" in text
    assert f"delta(b) += {one_line(layer.bias.grad.data)} = delta summed over the batch" in text
    assert "local derivative: out = max(0, x): d/dx = 1 where x > 0, else 0" in text
    assert text == viz.backprop_text(loss)


def test_save_backprop_html_without_a_browser(tmp_path):
    import json
    import re
    from viz_helpers import micrograd_example
    loss = micrograd_example()
    page = open(viz.save_backprop_html(loss, tmp_path / "p.html"), encoding="utf-8").read()
    data = json.loads(re.search(r'id="steps-data">(.*?)</script>', page, re.S).group(1))
    assert [s["text"].splitlines()[0] for s in data["steps"]] == [
        "step 1 of 3: L = Mul(d, f)", "step 2 of 3: d = Add(e, c)", "step 3 of 3: e = Mul(a, b)"]
    assert data["steps"][2]["changes"] == [["t0", "", "grad 6"], ["t1", "", "grad -4"]]
    assert "<svg" in page and "http://www.w3.org/2000/svg" in page and "<script src" not in page
    with pytest.raises(ValueError, match=r"ending in \.html"):
        viz.save_backprop_html(loss, tmp_path / "p.png")
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="pass gradient="):
        viz.save_backprop_html(x * 2, tmp_path / "q.html")
    assert not (tmp_path / "q.html").exists()
    freed = micrograd_example()
    freed.backward()
    with pytest.raises(RuntimeError, match="freed by backward"):
        viz.save_backprop_html(freed, tmp_path / "r.html")
