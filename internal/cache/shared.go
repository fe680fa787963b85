package cache

import (
	"context"
	"sync"
	"time"
)

// Reader reads the versions for the requests of one database, letting requests
// that arrive while a read is in flight share the next read instead of each
// sending its own.
//
// Why it keeps the rule: a request uses only a read that was sent after the
// request asked for it, never one already in flight. The statement then sees
// every commit made before the request arrived, exactly as a read of its own
// would: a logout, a deactivation or a catalogue edit committed before that is
// seen by the request. Under load, the requests that arrive during one round
// trip share the next; alone, a request reads at once, as before.
//
// Requests share a read only when they ask for the same tickets stripe (every
// page but a device page asks for none).
type Reader struct {
	q  querier
	mu sync.Mutex
	// keys holds, per stripe asked for (-1: none), the read in flight and the
	// one gathering requests to be sent after it. A key is there exactly while a
	// read of it is in flight.
	keys map[int64]*readSlot
}

type readSlot struct {
	running, next *sharedRead
}

// sharedRead is one statement of versions and the requests waiting for it.
type sharedRead struct {
	device int64 // the device of the request that opened it, whose stripe is read
	// waiters counts the requests that opened or joined it (under Reader.mu).
	waiters int
	done    chan struct{}
	v       Versions
	err     error
}

// NewReader returns a Reader of q (the read pool).
func NewReader(q querier) *Reader {
	return &Reader{q: q, keys: map[int64]*readSlot{}}
}

// ReadDevice is the package's ReadDevice, shared as the type says. Requests for
// devices of one stripe share a read; each gets its own device in
// Versions.Device.
func (r *Reader) ReadDevice(ctx context.Context, device int64) (Versions, error) {
	key := int64(-1)
	if device > 0 {
		key = device % TicketStripes
	}
	r.mu.Lock()
	slot := r.keys[key]
	var f *sharedRead
	switch {
	case slot == nil:
		// Nothing in flight: read now.
		f = &sharedRead{device: device, waiters: 1, done: make(chan struct{})}
		slot = &readSlot{running: f}
		r.keys[key] = slot
		r.mu.Unlock()
		r.send(ctx, key, slot, f)
	case slot.next == nil:
		// A read is in flight, perhaps sent before this request arrived: open the
		// next one, which send makes the running one when that is done.
		f = &sharedRead{device: device, waiters: 1, done: make(chan struct{})}
		slot.next = f
		prev := slot.running
		r.mu.Unlock()
		select {
		case <-prev.done:
			r.send(ctx, key, slot, f)
		case <-ctx.Done():
			// Others may have joined f: it is still sent, only not waited for.
			go func() { <-prev.done; r.send(ctx, key, slot, f) }()
			return Versions{}, ctx.Err()
		}
	default:
		// The next read is gathering and not sent yet: join it.
		f = slot.next
		f.waiters++
		r.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return Versions{}, ctx.Err()
		}
	}
	v := f.v
	if f.err == nil && v.Device != 0 {
		v.Device = device
	}
	return v, f.err
}

// sharedReadTimeout bounds a shared read: the requests behind a read that hangs
// get its error at this point and read the database themselves (see Check).
const sharedReadTimeout = 5 * time.Second

// send runs f, its slot's running read, for the request ctx that opened it, then
// makes the read gathered meanwhile the running one (its opener sends it on
// f.done), or removes the slot.
func (r *Reader) send(ctx context.Context, key int64, slot *readSlot, f *sharedRead) {
	// The opener's context without its cancellation: others wait on this read,
	// and an opener that gave up must not fail them (the read is one primary-key
	// lookup); its values stay, so the statement is counted as the opener's.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sharedReadTimeout)
	defer cancel()
	f.v, f.err = ReadDevice(ctx, r.q, f.device)
	r.mu.Lock()
	slot.running, slot.next = slot.next, nil
	if slot.running == nil {
		delete(r.keys, key)
	}
	r.mu.Unlock()
	close(f.done)
}

// CheckShared is CheckDevice reading through r.
func CheckShared(ctx context.Context, r *Reader, safe bool, device int64) context.Context {
	if !safe {
		device = 0
	}
	v, err := r.ReadDevice(ctx, device)
	if err != nil {
		return ctx
	}
	return With(ctx, checked(v, safe))
}
