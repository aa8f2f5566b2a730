"""Runs --loss-check of several exported scripts in ONE Python process (PyTorch imports once).

argv: a JSON list of [script, batch, checkpoint, out, stage (optional)]; each script runs as a fresh module."""
import argparse
import json
import runpy
import sys

for script, batch, checkpoint, out, *stage in json.loads(sys.argv[1]):
    module = runpy.run_path(script, run_name="exported")
    args = argparse.Namespace(loss_check=batch, init=checkpoint, loss_out=out, stage=(stage or [None])[0])
    module["loss_check"](args)
    print(f"checked {script}", flush=True)
