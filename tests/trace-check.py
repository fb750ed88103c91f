#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a UDMA_TRACE file with a real JSON parser.

trace-check.py PROGRAM              runs tests/trace-check.c's program, which
                                    prints what its workload did; checks the
                                    trace against it
trace-check.py --uart PROGRAM       runs the UART example with UDMA_TRACE set;
                                    checks the file has events of every kind
trace-check.py --ring DMAPERF       runs dmaperf with 1 MiB buffers per thread:
                                    checks the rings kept the newest events

Both print the events by kind.
"""
import collections
import json
import os
import subprocess
import sys
import tempfile


def fail(msg):
    print("trace-check: FAIL: " + msg)
    sys.exit(1)


def load(path):
    with open(path) as f:
        doc = json.load(f)
    if doc.get("displayTimeUnit") != "ns" or not isinstance(doc.get("traceEvents"), list):
        fail("not a trace-event JSON object with displayTimeUnit ns")
    return doc


def counts(events):
    c = collections.Counter((e["ph"], e.get("name", "")) for e in events)
    print("events by kind (ph, name): count")
    for (ph, name), n in sorted(c.items()):
        print("  %s %-16s %d" % (ph, name, n))
    return c


def check_tracks(events):
    """Monotonic per track, and slices on a thread nest (Perfetto needs it)."""
    last = {}
    stacks = collections.defaultdict(list)
    for e in events:
        if e["ph"] == "M":
            continue
        key = (e["pid"], e["tid"]) if e["ph"] != "C" else ("C", e["name"])
        if e["ts"] < last.get(key, float("-inf")):
            fail("timestamps go back on track %s at %s" % (key, e))
        last[key] = e["ts"]
        if e["ph"] != "X":
            continue
        st = stacks[e["tid"]]
        end = e["ts"] + e["dur"]
        while st and st[-1] <= e["ts"]:
            st.pop()
        if st and end > st[-1] + 1e-3:
            fail("slice %s overlaps its enclosing slice on tid %d" % (e, e["tid"]))
        st.append(end)


def thread_names(events):
    return {e["tid"]: e["args"]["name"] for e in events
            if e["ph"] == "M" and e["name"] == "thread_name"}


def flows_by_id(events):
    fl = collections.defaultdict(list)
    for e in events:
        if e["ph"] in "stf" and e.get("cat") == "desc":
            fl[e["id"]].append(e)
    return fl


def flow_id(chan, cookie):
    dev, ch = chan[3:].split("chan")
    return "%x" % ((int(dev) << 48) | (int(ch) << 32) | cookie)


def enclosing(events, e, names):
    """The X slice named in names on e's thread that encloses e's ts."""
    for s in events:
        if (s["ph"] == "X" and s["tid"] == e["tid"] and s["name"] in names
                and s["ts"] <= e["ts"] <= s["ts"] + s["dur"]):
            return s
    return None


def traced(argv, env=None):
    """Runs the command argv(path) with the environment extended by
    env(path), for a trace written to a fresh temporary path; returns the
    loaded trace and the program's standard output."""
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        cmd, env = argv(path), dict(os.environ, **(env(path) if env else {}))
        run = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, timeout=120)
        if run.returncode:
            fail("%s exited %d" % (cmd[0], run.returncode))
        return load(path), run.stdout
    finally:
        os.unlink(path)


def check_workload(program):
    doc, out = traced(lambda path: [program, path])
    want = json.loads(out.decode())
    events = doc["traceEvents"]
    c = counts(events)
    check_tracks(events)

    names = thread_names(events)
    tids = {v: k for k, v in names.items()}
    for pattern in (" hw", "tasklet "):
        if not any(pattern in n for n in names.values()):
            fail("no thread named like %r: %s" % (pattern, sorted(names.values())))
    if want["client"] not in names.values():
        fail("no track for the client thread %r" % want["client"])
    if "fifo " + want["fifo"] not in names.values():
        fail("no track for the FIFO %r" % want["fifo"])
    if not any(e["ph"] == "C" and e["name"] == want["fifo"] for e in events):
        fail("no level counter of the FIFO %r" % want["fifo"])

    def slices(name, chan):
        return [e for e in events if e["ph"] == "X" and e["name"] == name
                and e["args"].get("channel") == chan]

    def completed(chan):
        done = set()
        for e in slices("complete", chan):
            done.update(range(e["args"]["first_cookie"], e["args"]["last_cookie"] + 1))
        return done

    def called_back(chan):
        return {e["args"]["cookie"] for e in slices("callback", chan)}

    fl = flows_by_id(events)

    def check_flow(chan, cookie, start_in):
        steps = sorted(fl.get(flow_id(chan, cookie), []), key=lambda e: e["ts"])
        phases = "".join(e["ph"] for e in steps)
        if not phases.startswith("s") or not phases.endswith("f") or "t" not in phases:
            fail("%s cookie %d: flow %r is not submit -> run -> complete -> callback"
                 % (chan, cookie, phases))
        if not enclosing(events, steps[0], start_in):
            fail("%s cookie %d: the flow does not start in a %s slice" % (chan, cookie, start_in))
        if not enclosing(events, steps[-1], ("callback",)):
            fail("%s cookie %d: the flow does not end in a callback" % (chan, cookie))
        if names.get(steps[-1]["tid"], "").find("tasklet") != 0:
            fail("%s cookie %d: callback not on a tasklet thread" % (chan, cookie))

    for key, start_in in (("callbacks", ("submit",)), ("batch_callbacks", ("batch",)),
                          ("slave", ("submit",))):
        chan = want[key]["channel"]
        for cookie in want[key]["cookies"]:
            if cookie not in completed(chan):
                fail("%s cookie %d: no complete event" % (chan, cookie))
            if cookie not in called_back(chan):
                fail("%s cookie %d: no callback event" % (chan, cookie))
            check_flow(chan, cookie, start_in)

    chan = want["no_callbacks"]["channel"]
    last, n = want["batch_last"], want["batch_count"]
    for cookie in want["no_callbacks"]["cookies"] + list(range(last - n + 1, last + 1)):
        if cookie not in completed(chan):
            fail("%s cookie %d: no complete event" % (chan, cookie))
    batch = [e for e in slices("batch", chan) if e["args"]["last_cookie"] == last]
    if not batch or batch[0]["args"]["copies"] != n:
        fail("no batch slice of %d copies ending at cookie %d" % (n, last))

    chan = want["terminated"]["channel"]
    sync = [e["ts"] for e in events if e["ph"] == "i" and e["name"] == "synchronize"
            and e["args"]["channel"] == chan]
    if not sync or not any(e["ph"] == "i" and e["name"] == "terminate_async"
                           and e["args"]["channel"] == chan for e in events):
        fail("%s: no terminate_async and synchronize instants" % chan)
    for cookie in want["terminated"]["cookies"]:
        if cookie in completed(chan) or cookie in called_back(chan):
            fail("%s cookie %d: terminated, but completed or called back" % (chan, cookie))
        late = [e for e in events if e.get("ts", -1) > sync[0]
                and ((e.get("args", {}).get("channel") == chan
                      and e["args"].get("cookie") == cookie)
                     or e.get("id") == flow_id(chan, cookie))]
        if late:
            fail("%s cookie %d: events after synchronize: %s" % (chan, cookie, late))
    if not c[("i", "inject")] or not c[("i", "fault")]:
        fail("no inject or fault instants")
    print("trace-check: %d events; every cookie accounted for, flows connect submit to callback"
          % len(events))


def check_uart(program):
    doc, _ = traced(lambda path: [program], lambda path: {"UDMA_TRACE": path})
    events = doc["traceEvents"]
    c = counts(events)
    check_tracks(events)
    need = [("X", n) for n in ("prep", "submit", "issue", "run", "burst", "wait request",
                               "complete", "tasklet", "callback")]
    need += [("s", "desc"), ("t", "desc"), ("f", "desc"), ("M", "thread_name"),
             ("i", "pause"), ("i", "tx_status"), ("i", "terminate_async"),
             ("i", "synchronize"), ("i", "request")]
    missing = [k for k in need if not c[k]]
    if missing:
        fail("no events of kinds %s" % missing)
    if not any(e["ph"] == "C" for e in events):
        fail("no FIFO level counters")
    print("trace-check: uart_client: %d events, every kind present" % len(events))


def check_ring(dmaperf):
    """Buffers past UDMA_TRACE_BUF_MB turn into rings that keep the newest events.

    1.5 s of copies: enough to fill 1 MiB rings several times over even
    under ThreadSanitizer."""
    doc, _ = traced(lambda path: [dmaperf, "--sizes=64", "--time-ms=1500", "--latency=0",
                                  "--modes=coalesced", "--no-dpdk", "-q"],
                    lambda path: {"UDMA_TRACE": path, "UDMA_TRACE_BUF_MB": "1"})
    events = doc["traceEvents"]
    c = counts(events)
    check_tracks(events)
    other = doc.get("otherData", {})
    if other.get("dropped_events") != 0:
        fail("events dropped: %s" % other)
    if not other.get("overwritten_events"):
        fail("no events overwritten, so no ring was tested: %s" % other)
    marks = [e for e in events if e["ph"] == "i" and e["name"] == "events overwritten"]
    if sum(e["args"]["overwritten"] for e in marks) != other["overwritten_events"]:
        fail("the per-thread 'events overwritten' do not add up to %d"
             % other["overwritten_events"])
    for m in marks:		# the mark is where its thread's track begins
        first = min(e["ts"] for e in events if e.get("tid") == m["tid"] and e["ph"] != "M")
        if m["ts"] != first:
            fail("'events overwritten' at %s, but tid %d begins at %s" % (m["ts"], m["tid"], first))
    per_thread = collections.Counter(e["tid"] for e in events if e["ph"] != "M")
    if max(per_thread.values()) > 2 * 16384 * 2:	# two chunks' records, and their flows
        fail("a thread kept more than its ring holds: %s" % per_thread)
    for name in ("terminate_async", "synchronize"):	# the run's last events survive
        if not c[("i", name)]:
            fail("the newest events are gone: no %s" % name)
    print("trace-check: ring: %d events kept, %d overwritten"
          % (len(events), other["overwritten_events"]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--uart":
        check_uart(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--ring":
        check_ring(sys.argv[2])
    elif len(sys.argv) == 2:
        check_workload(sys.argv[1])
    else:
        print(__doc__)
        sys.exit(2)
