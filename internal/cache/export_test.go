package cache

// Gathered returns how many requests wait for the read gathering behind the one
// in flight for device's stripe (0 for device: none), 0 when there is none.
func (r *Reader) Gathered(device int64) int {
	key := int64(-1)
	if device > 0 {
		key = device % TicketStripes
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if slot := r.keys[key]; slot != nil && slot.next != nil {
		return slot.next.waiters
	}
	return 0
}
