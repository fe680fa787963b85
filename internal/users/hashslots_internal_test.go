package users

import (
	"math"
	"testing"
	"time"
)

// TestHashesWaitForASlot: while every slot is taken, a password hash waits (its
// working memory is not allocated); it runs once one is freed.
func TestHashesWaitForASlot(t *testing.T) {
	hashSlots := slots()
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	done := make(chan error, 1)
	go func() {
		_, err := HashPassword("a long enough password", Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
		done <- err
	}()
	select {
	case <-done:
		t.Fatal("a hash ran while every slot was taken")
	case <-time.After(200 * time.Millisecond):
	}
	<-hashSlots
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for range cap(hashSlots) - 1 {
		<-hashSlots
	}
}

// TestHashSlotCount: as many hashes at once as CPUs, as long as their working
// memory stays within half the soft memory limit; always one.
func TestHashSlotCount(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		procs       int
		limit, hash int64
		want        int
	}{
		{2, 34 * mib, 19 * mib, 1},      // the server's own limit: one at a time
		{2, math.MaxInt64, 19 * mib, 2}, // no limit (GOMEMLIMIT=off): the CPUs
		{8, 128 * mib, 19 * mib, 3},     // a limit raised for it
		{8, 1 * mib, 19 * mib, 1},       // never none
		{4, 34 * mib, 0, 4},             // no working memory to speak of
	} {
		if got := hashSlotCount(c.procs, c.limit, c.hash); got != c.want {
			t.Errorf("hashSlotCount(%d, %d MiB, %d MiB) = %d, want %d", c.procs, c.limit/mib, c.hash/mib, got, c.want)
		}
	}
}
