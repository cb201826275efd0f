"""The training run of the kill-and-resume test, and a fork server that kills it.

`python resume_child.py FOLDER RESULT.npy` trains once (resuming from FOLDER when it holds a
checkpoint) and writes the final weights to RESULT.npy. The model has dropout, so the random
state matters; Adam, a StepLR schedule, an EarlyStopping that never fires and a
ModelCheckpoint into FOLDER make every part of `last.npz` count.

`python resume_child.py --serve` imports once, then for each line "FOLDER RESULT DELAY" on
stdin forks a child that trains as above, SIGKILLs it after DELAY seconds unless it has
finished, and answers "killed" or "done STATUS" (forking avoids paying Python's start-up for
every one of the many kills).
"""
import os
import signal
import sys
import time

import numpy as np

from tinygrad_edu import manual_seed, nn, optim
from tinygrad_edu.data import make_moons
from tinygrad_edu.train import EarlyStopping, ModelCheckpoint, fit


def train(folder, result):
    X, y = make_moons(96, noise=0.2, seed=0)
    manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    opt = optim.Adam(model.parameters(), lr=0.02)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.7)
    resume = folder if os.path.exists(os.path.join(folder, "last.npz")) else None
    fit(model, nn.functional.cross_entropy, opt, (X, y), epochs=16, batch_size=16,
        val_data=(X, y), callbacks=[EarlyStopping(patience=1000), ModelCheckpoint(folder)],
        scheduler=scheduler, progress=False, resume_from=resume)
    np.save(result, np.concatenate([p.data.ravel() for p in model.parameters()]))


def serve():
    print("ready", flush=True)
    for line in sys.stdin:
        folder, result, delay = line.split()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                train(folder, result)
            except BaseException as error:      # reported as a status, never a traceback
                print(f"child error: {error!r}", file=sys.stderr, flush=True)
                code = 1
            os._exit(code)
        deadline = time.monotonic() + float(delay)
        status = None
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.002)
        else:
            done = 0
        if done:
            print(f"done {os.waitstatus_to_exitcode(status)}", flush=True)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            print("killed", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        train(sys.argv[1], sys.argv[2])
