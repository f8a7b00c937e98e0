"""The `mediation` command line: parse, call one service, render. Thin by design."""
