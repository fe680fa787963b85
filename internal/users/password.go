package users

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"smartservice/internal/apperr"
)

// Password rules (NIST SP 800-63B): a length range, no composition rules, and a
// list of the commonest passwords refused.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// Argon2Params are the argon2id cost parameters. The defaults follow OWASP's
// recommendation (19 MiB, 2 passes, 1 lane); a stored hash carries its own
// parameters, so raising them later keeps old hashes verifiable.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 is the production cost.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

//go:embed common-passwords.txt
var commonPasswordsText []byte

// commonPasswords is read once from the embedded list: lower-cased, one per line.
var commonPasswords = func() map[string]struct{} {
	m := map[string]struct{}{}
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsText))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = struct{}{}
		}
	}
	return m
}()

// CheckPassword returns the message key of what is wrong with pw for the account
// email, or "" when it is acceptable.
func CheckPassword(pw, email string) string {
	if !utf8.ValidString(pw) {
		return "validation.password_invalid"
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return "validation.password_short"
	}
	if n > MaxPasswordLen {
		return "validation.password_long"
	}
	low := strings.ToLower(pw)
	if _, ok := commonPasswords[low]; ok {
		return "validation.password_common"
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && (low == strings.ToLower(email) || low == local) {
		return "validation.password_is_email"
	}
	if first, _ := utf8.DecodeRuneInString(low); strings.Trim(low, string(first)) == "" { // one character repeated (Cyrillic too)
		return "validation.password_common"
	}
	return ""
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string, p Argon2Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(pw), salt, p, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("users: malformed password hash")

// VerifyPassword reports whether pw matches the PHC-encoded argon2id hash, in
// constant time for a given hash.
func VerifyPassword(pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.MemoryKiB < 8 || p.MemoryKiB > 1<<22 || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false, errBadHash
	}
	got := idKey([]byte(pw), salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashSlots bounds the argon2id computations running at once (hashSlotCount),
// made at the first hash: after the server has set its memory limit.
var (
	hashSlotsOnce sync.Once
	hashSlots     chan struct{}
)

// slots returns hashSlots.
func slots() chan struct{} {
	hashSlotsOnce.Do(func() {
		hashSlots = make(chan struct{}, hashSlotCount(runtime.GOMAXPROCS(0), debug.SetMemoryLimit(-1), int64(DefaultArgon2.MemoryKiB)<<10))
	})
	return hashSlots
}

// hashSlotCount is how many password hashes may run at once: no more than the
// CPUs the runtime uses (each is pure computation on one lane, so more finish
// no sooner), and no more working memory (hashBytes each, 19 MiB by default)
// than half the Go runtime's soft memory limit, but always one. Bounded by the
// CPUs alone, a burst of logins multiplied that memory (eight at once: 150 MB),
// and with two CPUs two logins at the same moment took the server from about
// 70 to 90 MB, over the 34 MiB limit it runs with (cmd/smartservice): one at a
// time, the second login waits for the first (tens of milliseconds). A server
// given more memory (GOMEMLIMIT) hashes more at once.
func hashSlotCount(procs int, memoryLimit, hashBytes int64) int {
	n := int64(procs)
	if hashBytes > 0 {
		n = min(n, memoryLimit/2/hashBytes)
	}
	return int(max(1, n))
}

// idKey is argon2.IDKey within hashSlots, followed by a collection.
//
// Why the collection: the hash's working memory (19 MiB) is the largest
// allocation the server makes and garbage the moment IDKey returns. Left to the
// collector's own pace, the next hash (the demo office's accounts at start, a
// run of logins) sometimes allocated its buffer before the last one was
// reclaimed, and the process's peak RSS grew by one buffer: the demo office was
// ready at 82–83 MB in 3 of 22 starts, 69–71 MB in the others. Collected here,
// the freed pages are what the next hash reuses: 66–70 MB in 16 starts of 16.
// A collection of the server's small heap costs a few milliseconds against the
// hash's tens; hashes of less than collectAfterKiB (the tests' cheap ones) are
// left to the collector.
func idKey(pw, salt []byte, p Argon2Params, n uint32) []byte {
	sem := slots()
	sem <- struct{}{}
	defer func() { <-sem }()
	key := argon2.IDKey(pw, salt, p.Time, p.MemoryKiB, p.Threads, n)
	if p.MemoryKiB >= collectAfterKiB {
		runtime.GC()
	}
	return key
}

// collectAfterKiB is the working memory from which a hash is followed by a
// collection (idKey).
const collectAfterKiB = 4 * 1024

// passwordField validates a new password into fields under the name field.
func passwordField(f *apperr.Fields, field, pw, email string) {
	if key := CheckPassword(pw, email); key != "" {
		f.Add(field, key, "Min", MinPasswordLen, "Max", MaxPasswordLen)
	}
}
