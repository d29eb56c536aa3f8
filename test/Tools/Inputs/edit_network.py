"""Hand-edits a compiled network file (ssmc -o net.h5) the way a user or a
broken disk might, for test/Tools/network-file.test.

Usage: edit_network.py IN.h5 OUT.h5 EDIT
"""
import shutil
import sys

import h5py
import numpy as np

src, dst, edit = sys.argv[1:4]
shutil.copy(src, dst)
with h5py.File(dst, "r+") as f:
    if edit == "drop-table-data":
        t = f["tables/0"]
        del t["weights" if t.attrs["layout"] == "dense" else "weight"]
    elif edit == "wide-weight":
        t = f["tables/0"]
        name = "weights" if t.attrs["layout"] == "dense" else "weight"
        w = t[name][()].astype(np.int16)
        w.flat[0] = 300
        del t[name]
        t[name] = w
    elif edit == "float-bias":
        g = f["groups/1"]
        b = g["bias"][()].astype(np.float64)
        del g["bias"]
        g["bias"] = b
    elif edit == "format":
        f.attrs["format"] = "something-else"
    elif edit == "version":
        f.attrs["version"] = 7
    elif edit == "model":
        f["groups/1"].attrs["model"] = "izhikevich"
    elif edit == "count":
        f["groups"].attrs["count"] = f["groups"].attrs["count"] + 1
    elif edit == "rows":
        f["tables/0"].attrs["rows"] = f["tables/0"].attrs["rows"] + 1
    elif edit == "csr-order":
        for i in range(f["tables"].attrs["count"]):
            t = f[f"tables/{i}"]
            if t.attrs["layout"] == "csr":
                start = t["column_start"][()]
                start[1], start[2] = start[2], start[1]
                t["column_start"][...] = start
                break
        else:
            sys.exit("no csr table")
    elif edit == "mesh":
        f["hardware"].attrs["mesh"] = np.array([0, 16])
    elif edit == "negative-cost":
        f["hardware/energy_pj"].attrs["synop"] = -1.0
    elif edit == "size":
        f["groups/1"].attrs["size"] = 2**40
    else:
        sys.exit(f"unknown edit {edit}")
