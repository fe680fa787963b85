package users

import (
	"testing"
	"time"
)

// TestHashesWaitForASlot: while every slot is taken, a password hash waits (its
// working memory is not allocated); it runs once one is freed.
func TestHashesWaitForASlot(t *testing.T) {
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
