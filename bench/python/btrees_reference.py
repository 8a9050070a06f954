"""Python's BTrees (C extensions) on the btrees suite's in-memory workloads.

Run by bench/suites/btrees.ts in the same run as the TypeScript figures, so
the two are compared on the same machine at the same moment. Prints one
JSON object: {"python": version, "btrees": version, "insert": {...},
"lookup": {...}, "iterate": {...}}, each with the rate (per wall-clock
second) and the CPU seconds it used, for one family (OO or II).

Given a directory (a third argument) and Python's ZODB importable (e.g. its
source tree on PYTHONPATH), it also commits the tree and iterates it
through a new connection, on MappingStorage and on FileStorage (in that
directory): "zodb": version, "mapping" and "file": {"commit": {"seconds",
"cpu"}, "reopen": {"rate", "cpu"}}.

The keys and their order are made exactly as the suite makes them: the same
strings and integers in the same random permutation.

Usage: python3 btrees_reference.py OO|II N [DIRECTORY]
"""

import gc
import json
import os
import sys
import time


M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def shuffled(items):
    """The suite's permutation (bench/shuffle.ts), bit for bit:
    Fisher-Yates driven by mulberry32 from seed 42, in unsigned 32-bit steps
    (JavaScript's signed ones have the same bits)."""
    state = 42
    for i in range(len(items) - 1, 0, -1):
        state = (state + 0x6D2B79F5) & M32
        t = imul(state ^ (state >> 15), 1 | state)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & M32) ^ t
        j = int(((t ^ (t >> 14)) & M32) / 4294967296.0 * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def timed(fn):
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def measure(tree_class, keys):
    n = len(keys)
    tree = tree_class()
    result = {}

    def insert():
        for i, key in enumerate(keys):
            tree[key] = i

    probes = shuffled(list(keys))
    total = [0]

    def lookup():
        get = tree.get
        s = 0
        for key in probes:
            s += get(key)
        total[0] += s

    def iterate():
        for _ in tree.keys():
            pass

    for name, fn in (("insert", insert), ("lookup", lookup), ("iterate", iterate)):
        seconds, cpu = timed(fn)
        result[name] = {"rate": n / seconds, "cpu": cpu}
    return result


def measure_database(tree_class, keys, kind, directory):
    """Commit of the tree with every key, then iteration of its keys through
    a new connection (after reopening, for FileStorage): as the suite
    measures ours. Needs Python's ZODB importable."""
    import transaction
    import ZODB
    from ZODB.FileStorage import FileStorage
    from ZODB.MappingStorage import MappingStorage

    n = len(keys)
    path = os.path.join(directory, "%s-%s.fs" % (tree_class.__name__, kind))

    def open_storage():
        return MappingStorage() if kind == "mapping" else FileStorage(path)

    storage = open_storage()
    db = ZODB.DB(storage, cache_size=2 * n)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    tree = tree_class()
    conn.root()["tree"] = tree
    tm.commit()
    for i, key in enumerate(keys):
        tree[key] = i
    seconds, cpu = timed(tm.commit)
    result = {"commit": {"seconds": seconds, "cpu": cpu}}
    if kind == "file":
        conn.close()
        db.close()
        db = ZODB.DB(open_storage(), cache_size=2 * n)
    # A second connection has a cache of its own: every bucket is loaded.
    reloaded = db.open(transaction_manager=transaction.TransactionManager())
    again = reloaded.root()["tree"]
    again._p_activate()
    count = [0]

    def iterate():
        c = 0
        for _ in again.keys():
            c += 1
        count[0] = c

    seconds, cpu = timed(iterate)
    if count[0] != n:
        raise SystemExit("iterated %d keys after reopen, expected %d" % (count[0], n))
    result["reopen"] = {"rate": n / seconds, "cpu": cpu}
    db.close()
    return result


def version_of(distribution, module):
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:  # an unpackaged install, e.g. a source tree on PYTHONPATH
        return getattr(module, "__version__", "source")


def main():
    import BTrees
    from BTrees.IIBTree import IIBTree
    from BTrees.OOBTree import OOBTree

    if OOBTree.__name__.endswith("Py") or IIBTree.__name__.endswith("Py"):
        raise SystemExit("BTrees has no C extensions here")
    family, n = sys.argv[1], int(sys.argv[2])
    directory = sys.argv[3] if len(sys.argv) > 3 else None
    # Only this family's keys are alive: Python's cyclic collector walks
    # every live container, so a second key list would slow the inserts.
    if family == "OO":
        tree_class, keys = OOBTree, shuffled(["key%08d" % i for i in range(n)])
    elif family == "II":
        tree_class, keys = IIBTree, shuffled([i * 3 for i in range(n)])
    else:
        raise SystemExit("family must be OO or II")
    out = {"python": sys.version.split()[0], "btrees": version_of("BTrees", BTrees)}
    out.update(measure(tree_class, keys))
    if directory is not None:
        try:
            import ZODB
        except ImportError:
            pass
        else:
            out["zodb"] = version_of("ZODB", ZODB)
            for kind in ("mapping", "file"):
                out[kind] = measure_database(tree_class, keys, kind, directory)
    print(json.dumps(out))


main()
