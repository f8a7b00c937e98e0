"""mediation: case tracking for People's Mediation Committees (人民调解委员会).

The library owns every behaviour; the `cli` package is a thin skin over it.
"""

__version__ = "0.1.0"
