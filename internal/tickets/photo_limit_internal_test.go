package tickets

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"runtime"
	"testing"
)

// TestPixelLimiterWeighs: within a budget of one and a half 40 MP photos, two
// 40 MP decodes never hold it at once, while two small ones (and a small one next
// to a large one) do; what is released is free again. TryAcquire asks without
// waiting, so the test needs no clock.
func TestPixelLimiterWeighs(t *testing.T) {
	ctx := context.Background()
	const big, small = maxPhotoPixels, 12_000_000
	l := newPixelLimiter(maxPhotoPixels * 3 / 2)

	releaseBig, err := l.acquire(ctx, big)
	if err != nil {
		t.Fatal(err)
	}
	if l.sem.TryAcquire(big) {
		t.Fatal("a second 40 MP decode ran next to the first")
	}
	releaseSmall, err := l.acquire(ctx, small)
	if err != nil {
		t.Fatal(err)
	}
	// A second 40 MP decode waits until the first is released.
	done := make(chan error, 1)
	go func() {
		r, err := l.acquire(ctx, big)
		if err == nil {
			r()
		}
		done <- err
	}()
	waitQueued(t, l, done)
	releaseBig()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	releaseSmall()

	// Two small ones at once, and a third.
	var releases []func()
	for range 3 {
		r, err := l.acquire(ctx, small)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	if l.sem.TryAcquire(big) {
		t.Fatal("a 40 MP decode ran next to three small ones over the budget")
	}
	for _, r := range releases {
		r()
	}
	// Everything released: the whole budget is free, and a weight above it takes
	// the whole budget instead of waiting forever.
	r, err := l.acquire(ctx, 10*maxPhotoPixels)
	if err != nil {
		t.Fatal(err)
	}
	if l.sem.TryAcquire(1) {
		t.Fatal("an oversized weight left part of the budget")
	}
	r()
	if !l.sem.TryAcquire(l.budget) {
		t.Fatal("the budget was not given back")
	}
}

// TestPhotoDecodeWaitsForPixels: prepare takes its pixels from photoDecodes; while
// they are not free it waits in the queue, and decodes once they are.
func TestPhotoDecodeWaitsForPixels(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	u, err := inspectPhoto(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// All but 1199 pixels are taken: the 1200 of this photo do not fit.
	hold, err := photoDecodes.acquire(ctx, photoDecodes.budget-1199)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		p, err := u.prepare(ctx)
		if err == nil && (p.Width != 40 || p.Height != 30) {
			err = fmt.Errorf("decoded %dx%d", p.Width, p.Height)
		}
		done <- err
	}()
	waitQueued(t, photoDecodes, done)
	hold()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// waitQueued returns once someone waits in l's queue, and fails the test when the
// work behind done finishes first (it did not wait). A queued waiter shows as
// TryAcquire(1) failing although a pixel is free; no clock is involved.
func waitQueued(t *testing.T, l *pixelLimiter, done <-chan error) {
	t.Helper()
	for {
		select {
		case err := <-done:
			t.Fatalf("finished without waiting for pixels (%v)", err)
		default:
		}
		if !l.sem.TryAcquire(1) {
			return
		}
		l.sem.Release(1)
		runtime.Gosched()
	}
}
