package telegram

import (
	"context"
	"sync"
	"time"
)

// Limits are Telegram's sending limits as intervals between messages.
type Limits struct {
	// Global spaces every message (about 30 a second).
	Global time.Duration
	// PerChat spaces messages to one private chat (1 a second).
	PerChat time.Duration
	// PerGroup spaces messages to one group (20 a minute).
	PerGroup time.Duration
}

// TelegramLimits are the limits Telegram documents for bots.
var TelegramLimits = Limits{Global: time.Second / 30, PerChat: time.Second, PerGroup: 3 * time.Second}

// limiter hands out sending slots: each send reserves the earliest moment allowed
// by the global spacing, its chat's spacing and any pause a 429 imposed, then
// sleeps until it. Reserving under the mutex and sleeping outside it keeps
// concurrent senders in order without holding the lock while waiting.
type limiter struct {
	mu     sync.Mutex
	l      Limits
	next   time.Time
	chats  map[int64]time.Time
	paused time.Time
}

func newLimiter(l Limits) *limiter { return &limiter{l: l, chats: map[int64]time.Time{}} }

// wait blocks until chatID may receive a message, or ctx ends.
func (l *limiter) wait(ctx context.Context, chatID int64) error {
	l.mu.Lock()
	now := time.Now()
	slot := now
	for _, t := range []time.Time{l.next, l.paused, l.chats[chatID]} {
		if t.After(slot) {
			slot = t
		}
	}
	l.next = slot.Add(l.l.Global)
	per := l.l.PerChat
	if chatID < 0 { // groups and supergroups have negative ids
		per = l.l.PerGroup
	}
	l.chats[chatID] = slot.Add(per)
	if len(l.chats) > 10000 { // forget chats whose spacing has passed
		for id, t := range l.chats {
			if t.Before(now) {
				delete(l.chats, id)
			}
		}
	}
	l.mu.Unlock()
	d := time.Until(slot)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pause holds every sender for d: a 429 slows the whole bot, not one chat.
func (l *limiter) pause(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := time.Now().Add(d); until.After(l.paused) {
		l.paused = until
	}
}
