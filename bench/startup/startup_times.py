#!/usr/bin/env python3
"""startup_times.py FTLAB EXPERIMENT WORK REPS [TORCH_LOAD [DATASETS]] - how long `ftlab run` takes to
start a run (issue 6 target: under 2 s for the quickstart sizes, with the
dataset's tokens cached). Each run's stderr is read line by line and the time
since the process was spawned is noted when the pipeline is built (first
"token cache" line), when the data is ready (the "test: ... examples" line),
when training is about to start ("training: ...") and when the first
optimizer step is logged (train.log_every = 1); then the process is killed.
Scenarios, REPS times each, medians reported: the cache off (tokenize every
split), a cold cache (tokenize and write), a warm cache (read), a warm cache
with experiment.threads = 1 (no OpenMP thread waiting for a busy core), and
the floors: `ftlab --version` and TORCH_LOAD (an empty program linked to
LibTorch). With DATASETS (TweetEval's datasets/ folder), the cache off and a
warm cache again on its largest task, emoji (45000 + 5000 + 50000 tweets).
Prints a Markdown table. Standard library only."""
import os, shutil, signal, statistics, subprocess, sys, time

ftlab, experiment, work, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
torch_load = sys.argv[5] if len(sys.argv) > 5 else None
datasets = sys.argv[6] if len(sys.argv) > 6 and os.path.isdir(sys.argv[6]) else None
EMOJI = ("--set", f'dataset.path="{datasets}"', "--set", 'dataset.task="emoji"') if datasets else ()
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

MARKS = [("pipeline", lambda l: l.startswith("token cache")),
         ("data", lambda l: l.startswith("test: ") and "examples" in l),
         ("ready", lambda l: l.startswith("training: ")),
         ("step1", lambda l: l.startswith("epoch 1/") and " step 1/" in l)]


def one_run(cache_dir, tag, extra=()):
    env = dict(os.environ, FTLAB_CACHE_DIR=cache_dir)
    out = os.path.join(work, tag + ".h5")
    t0 = time.monotonic()
    p = subprocess.Popen([ftlab, "run", experiment, "--output", out, "--set", "train.log_every=1", *extra],
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
    seen, lines = {}, []
    for line in p.stderr:
        now = time.monotonic() - t0
        lines.append(line)
        for name, test in MARKS:
            if name not in seen and test(line):
                seen[name] = now
        if "step1" in seen:
            break
    p.send_signal(signal.SIGKILL)
    p.wait()
    for leftover in (out, out + ".partial", out[:-3] + ".ckpt"):
        if os.path.isdir(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
        elif os.path.exists(leftover):
            os.remove(leftover)
    if len(seen) != len(MARKS):
        sys.exit("run did not reach its first step:\n" + "".join(lines[-20:]))
    hits = sum(l.startswith("token cache hit") for l in lines)
    misses = sum(l.startswith("token cache miss") for l in lines)
    return seen, hits, misses


def start_time(cmd):
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - t0


def median(xs):
    return statistics.median(xs)


rows = {}
SCENARIOS = ("off", "cold", "warm", "warm1") + (("emoji-off", "emoji-warm") if datasets else ())
for scenario in SCENARIOS:
    marks, checks = {n: [] for n, _ in MARKS}, set()
    extra = ("--set", "experiment.threads=1") if scenario == "warm1" else ()
    if scenario.startswith("emoji"):
        extra = EMOJI
    for i in range(reps):
        if scenario in ("off", "emoji-off"):
            cache = "off"
        elif scenario == "cold":
            cache = os.path.join(work, f"cache-cold-{i}")  # empty each time
        else:
            cache = os.path.join(work, "cache-warm")
            if i == 0 and scenario in ("warm", "emoji-warm"):
                one_run(cache, "warmup", extra)  # fills it
        seen, hits, misses = one_run(cache, f"{scenario}-{i}", extra)
        for n in marks:
            marks[n].append(seen[n])
        checks.add((hits, misses))
    rows[scenario] = ({n: median(v) for n, v in marks.items()}, checks)
floor = median([start_time([ftlab, "--version"]) for _ in range(reps)])
torch_floor = median([start_time([torch_load]) for _ in range(reps)]) if torch_load else None

print(f"| scenario (median of {reps}) | plugins + components | data ready | run ready | first step done | cache lines (hits, misses) |")
print("|---|---|---|---|---|---|")
names = {"off": "cache off (FTLAB_CACHE_DIR=off): tokenize", "cold": "cold cache: tokenize + write",
         "warm": "warm cache: read", "warm1": "warm cache, `--set experiment.threads=1`",
         "emoji-off": "TweetEval emoji (100000 tweets), cache off", "emoji-warm": "TweetEval emoji, warm cache"}
for scenario in SCENARIOS:
    m, checks = rows[scenario]
    print(f"| {names[scenario]} | {m['pipeline']:.3f} s | {m['data']:.3f} s | {m['ready']:.3f} s | "
          f"{m['step1']:.3f} s | {', '.join(str(c) for c in sorted(checks))} |")
print(f"| floor: `ftlab --version` (process start) | {floor:.3f} s | | | | |")
if torch_floor is not None:
    print(f"| floor: an empty `main()` linked to LibTorch (bench_torch_load) | {torch_floor:.3f} s | | | | |")
warm, off = rows["warm"][0], rows["off"][0]
print()
print(f"Data preparation (pipeline built -> data ready): off {off['data'] - off['pipeline']:.3f} s, "
      f"warm {warm['data'] - warm['pipeline']:.3f} s "
      f"({(off['data'] - off['pipeline']) / max(1e-9, warm['data'] - warm['pipeline']):.1f}x faster with the cache).")
print(f"**Target (under 2 s): {'met' if warm['ready'] < 2.0 else 'MISSED'}: a run is started {warm['ready']:.3f} s after "
      f"its process is spawned with a warm cache ({off['ready']:.3f} s with the cache off), "
      f"{2.0 / warm['ready']:.1f}x under the target.**")
if torch_floor is not None:
    print(f"LibTorch alone (an empty program linked to it) takes {torch_floor:.3f} s to start: "
          f"{100 * torch_floor / warm['ready']:.0f}% of the warm start.")
print(f"Run ready with a warm cache: {warm['ready']:.3f} s = {floor:.3f} s process start + "
      f"{warm['pipeline'] - floor:.3f} s plugins and components + {warm['data'] - warm['pipeline']:.3f} s data + "
      f"{warm['ready'] - warm['data']:.3f} s results file and optimizer; first step "
      f"{warm['step1'] - warm['ready']:.3f} s later ({rows['warm1'][0]['step1'] - rows['warm1'][0]['ready']:.3f} s "
      f"with one thread).")
if datasets:
    eo, ew = rows["emoji-off"][0], rows["emoji-warm"][0]
    print(f"TweetEval emoji: data preparation off {eo['data'] - eo['pipeline']:.3f} s, warm "
          f"{ew['data'] - ew['pipeline']:.3f} s ({(eo['data'] - eo['pipeline']) / max(1e-9, ew['data'] - ew['pipeline']):.1f}x); "
          f"run ready {eo['ready']:.3f} s -> {ew['ready']:.3f} s.")
