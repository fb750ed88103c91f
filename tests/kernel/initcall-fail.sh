#!/usr/bin/env bash
# A failing module_init: status 1, one line naming the initcall and its
# errno, and only the modules already initialised exit. A bad module
# parameter: status 1 before any initcall runs.
set -uo pipefail
fail=$1 ok=$2
out=$("$fail" 2>&1); rc=$?
echo "$out"
[ "$rc" -eq 1 ] || { echo "FAIL: exit status $rc, want 1"; exit 1; }
grep -q "initcall fail_init failed: -19 (No such device)" <<<"$out" || { echo "FAIL: no failure line"; exit 1; }
grep -q "initcall_a: order: a-core a-subsys a-exit" <<<"$out" || { echo "FAIL: a did not exit"; exit 1; }
if grep -q "fail_exit ran" <<<"$out"; then echo "FAIL: exit of a failed module ran"; exit 1; fi
out=$("$ok" no_such_param=1 2>&1); rc=$?
echo "$out"
[ "$rc" -eq 1 ] || { echo "FAIL: unknown parameter: exit status $rc, want 1"; exit 1; }
grep -q "unknown parameter 'no_such_param'" <<<"$out" || { echo "FAIL: no unknown-parameter line"; exit 1; }
if grep -q "a-core" <<<"$out"; then echo "FAIL: initcalls ran despite a bad parameter"; exit 1; fi
echo "initcall-fail: failed init and bad parameter both end the program as they should"
