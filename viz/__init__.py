"""viz: pictures of computation graphs (drawing arrives with the visualisation work).

The engine already records everything a drawing needs: every Tensor made by an op has a
`grad_fn` node whose `inputs` are the Tensors it was computed from, and `Tensor.name`
labels a tensor in a picture.
"""
