"""C++ initializer text for the reference writers (make_*_reference.py): exact float64 values as C hex literals,
integers as decimals, wrapped into rows."""
import numpy as np

INF = "std::numeric_limits<double>::infinity()"  # e.g. a KL divergence where Q is 0 and P is not


def wrap(items, per_line):
    if len(items) <= per_line:
        return ", ".join(items)
    rows = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "\n    " + ",\n    ".join(rows) + "\n"


def hexes(values):
    """float64 values as C hex literals (bit-exact), 4 per row; an infinity as INF."""
    return wrap([INF if np.isinf(v) else float(v).hex() for v in np.ravel(values)], 4)


def ints(values):
    return wrap([str(int(v)) for v in np.ravel(values)], 16)
