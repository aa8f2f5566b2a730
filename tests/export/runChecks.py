"""Runs --loss-check of several exported scripts in ONE Python process (PyTorch imports once).

argv: a JSON list of [script, batch, checkpoint, out]; each script runs as a fresh module."""
import argparse
import json
import runpy
import sys

for script, batch, checkpoint, out in json.loads(sys.argv[1]):
    module = runpy.run_path(script, run_name="exported")
    module["loss_check"](argparse.Namespace(loss_check=batch, init=checkpoint, loss_out=out))
    print(f"checked {script}", flush=True)
