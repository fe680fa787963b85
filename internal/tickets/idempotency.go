package tickets

// Idempotent filing. A phone on a bad connection retries, a person double-clicks
// "send", a browser re-posts a form: each carries the same key (the form's hidden
// token, the API's Idempotency-Key header), and every repeat within a day returns
// the ticket the first one created instead of filing another. The key row is written
// in the ticket's transaction, so a key never names a ticket that was rolled back,
// and the primary key (user_id, key) makes two concurrent twins collide: the loser
// rolls back its ticket and returns the winner's.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
)

// IdempotencyTTL is how long a filing's key is remembered.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKey is the longest key accepted, in bytes (printable ASCII only).
const MaxIdempotencyKey = 200

// errIdempotencyMismatch: the key was used for a different request.
var errIdempotencyMismatch = apperr.New(apperr.Conflict, "ticket.idempotency_mismatch")

// checkIdempotencyKey validates a key: 1 to 200 printable ASCII characters ("" means
// no key and is checked by the caller).
func checkIdempotencyKey(f *apperr.Fields, key string) {
	if len(key) > MaxIdempotencyKey {
		f.Add("idempotency_key", "ticket.idempotency_key_invalid", "Max", MaxIdempotencyKey)
		return
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7E {
			f.Add("idempotency_key", "ticket.idempotency_key_invalid", "Max", MaxIdempotencyKey)
			return
		}
	}
}

// requestHash identifies what a filing asks for: the device, the problem, the
// (trimmed) comment and the photo's bytes as uploaded. Each part is length-prefixed,
// so no two different requests can run together into the same bytes.
func requestHash(assetID, problemID int64, comment string, photo []byte) string {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put(binary.BigEndian.AppendUint64(nil, uint64(assetID)))
	put(binary.BigEndian.AppendUint64(nil, uint64(problemID)))
	put([]byte(comment))
	put(photo)
	return hex.EncodeToString(h.Sum(nil))
}

// replay looks key up for the user: the ticket it filed when the key is known,
// live and for the same request; Conflict when it was used for another request;
// 0 when it is unknown or expired.
func (s *Service) replay(ctx context.Context, q rowQuerier, userID int64, key, hash string, now time.Time) (int64, error) {
	var stored string
	var ticketID int64
	var created time.Time
	err := q.QueryRowContext(ctx, "SELECT request_hash, ticket_id, created_at FROM ticket_idempotency WHERE user_id = $1 AND key = $2", userID, key).
		Scan(&stored, &ticketID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("tickets: unable to read an idempotency key: %w", err)
	}
	if !created.After(now.Add(-IdempotencyTTL)) {
		return 0, nil
	}
	if stored != hash {
		return 0, errIdempotencyMismatch
	}
	return ticketID, nil
}

// errKeyTaken tells File that a concurrent twin stored the key first.
var errKeyTaken = errors.New("tickets: idempotency key taken by a concurrent filing")

// rememberKey stores key for the ticket being filed, in its transaction. Expired
// keys are deleted first (the index on created_at keeps that cheap), which also
// frees this user's expired use of the same key.
func rememberKey(ctx context.Context, tx *sql.Tx, userID int64, key, hash string, ticketID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM ticket_idempotency WHERE created_at <= $1", now.Add(-IdempotencyTTL)); err != nil {
		return fmt.Errorf("tickets: unable to delete expired idempotency keys: %w", err)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO ticket_idempotency (user_id, key, request_hash, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)",
		userID, key, hash, ticketID, now)
	if db.IsUniqueViolation(err) {
		return errKeyTaken
	}
	if err != nil {
		return fmt.Errorf("tickets: unable to store the idempotency key: %w", err)
	}
	return nil
}
