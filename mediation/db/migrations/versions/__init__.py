"""One module per schema revision, in order: v0001_initial, v0002_..., each with its docstring."""
