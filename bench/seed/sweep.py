"""Times the seed's own HeartbeatMonitor: register, beat, and one sweep with 1% due.

Usage: python3 sweep.py N  ->  one JSON line on stdout.
The seed's logging is disabled (its log lines would otherwise go to stderr through Python's
last-resort handler), which makes it faster than the seed as shipped: the charitable side.
"""
import asyncio
import json
import logging
import os
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heartbeat import HeartbeatMonitor  # noqa: E402

logging.disable(logging.CRITICAL)

n = int(sys.argv[1])
ids = [f"session-{i:07d}" for i in range(n)]
monitor = HeartbeatMonitor(timeout_seconds=30, check_interval_seconds=5, max_missed_beats=3)
warnings = 0


async def on_warning(session_id, missed_beats):
    global warnings
    warnings += 1


monitor.on_warning = on_warning
loop = asyncio.new_event_loop()

start = time.process_time_ns()
for session_id in ids:
    monitor.register(session_id, "agent")
register_ns = (time.process_time_ns() - start) / n

start = time.process_time_ns()
for session_id in ids:
    monitor.beat(session_id)
beat_ns = (time.process_time_ns() - start) / n


def sweep_ms():
    begin = time.process_time_ns()
    loop.run_until_complete(monitor._check_heartbeats())
    return (time.process_time_ns() - begin) / 1e6


# Nothing is due yet: the seed sweeps anyway, every check interval.
idle = min(sweep_ms() for _ in range(3))

# 1% go silent: their last beat is 31 s old, so the next sweep finds them (their warning).
# Three times, the least taken (as for the core), each from the same state.
stale = datetime.now(timezone.utc) - timedelta(seconds=31)
expected = len(range(0, n, 100))
due = float("inf")
for _ in range(3):
    for i in range(0, n, 100):
        entry = monitor.sessions[ids[i]]
        entry.last_beat = stale
        entry.missed_beats = 0
    warnings = 0
    due = min(due, sweep_ms())
    if warnings != expected:
        raise SystemExit(f"seed sweep found {warnings} warnings, expected {expected}")

print(json.dumps({
    "n": n,
    "python": sys.version.split()[0],
    "registerNs": register_ns,
    "beatNs": beat_ns,
    "sweepIdleMs": idle,
    "sweepDueMs": due,
    "due": warnings,
}))
