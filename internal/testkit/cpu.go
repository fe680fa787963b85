package testkit

import (
	"syscall"
	"testing"
	"time"
)

// ProcessCPU is this process's user and system CPU time so far. Benchmarks
// report its difference per operation: the machine's load moves it far less
// than the wall time. On SQLite the database runs in the process, so it is the
// operation's whole CPU; on PostgreSQL it leaves out the server's part.
func ProcessCPU(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
