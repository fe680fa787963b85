package main

import (
	"runtime/debug"
)

// serveMemoryLimit is the Go runtime's soft memory limit for the server when
// GOMEMLIMIT does not set one.
//
// Why: with the default GOGC=100 alone the heap grows to twice what is live at
// the last collection. The server's live heap under a rush of device pages is
// about 10 MB, but a password hash (argon2id, 19 MiB of working memory each) or
// the demo office's load briefly holds 25–30 MB, and the heap then grew to
// 60–70 MB of mostly garbage: peak RSS ~115 MB with the binary's ~28 MB of code.
// A soft limit makes the collector run sooner only when the heap nears it, so the
// device page (far below it) pays nothing, and the peak stays near
// limit + code + SQLite's page caches. The cost: an operation whose live data
// exceeds the limit makes the collector run more often (the runtime caps that at
// about half the CPU) while it lasts; set GOMEMLIMIT (higher, or "off") where
// such operations are common.
//
// 34 MiB, not the 40 it was: with SQLite's caches (about 17 MB outside Go's
// heap) and the code (27 MB), the peak of scripts/bench.sh's SQLite run was
// 76–78 MB at 40 and 74–77 at 34, and a filing run's 74–76 became 70–72, with
// no more server CPU per filing than the noise shows (bench-filing.sh,
// alternated: 1.13, 1.06, 0.80 ms at 40; 1.01, 1.02, 0.86 at 34).
const serveMemoryLimit = 34 << 20

// limitMemory applies serveMemoryLimit to the server (the serve command, the
// default one) unless GOMEMLIMIT is set; administrative commands keep the
// runtime's default, as the demo generator holds far more than that on purpose.
func limitMemory(args []string, getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' && args[0] != "serve" {
		return
	}
	debug.SetMemoryLimit(serveMemoryLimit)
}
