package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/i18n"
	"smartservice/internal/jobs"
)

// Options configure the accounts service.
type Options struct {
	// BaseURL builds the links in mails; never the request's Host header.
	BaseURL *url.URL
	// Directory confirms employees at registration and in the leavers check.
	Directory directory.Directory
	// Jobs carries mails out of the request, in the transaction that needs them.
	Jobs *jobs.Client
	// DevMail is true when no SMTP is configured: links go to the log.
	DevMail bool
	// Argon2 is the password hashing cost.
	Argon2 Argon2Params
	// ConfirmTTL is how long a registration link works.
	ConfirmTTL time.Duration
	// SessionTTL and AdminSessionTTL bound a login's life; admins get the shorter one.
	SessionTTL, AdminSessionTTL time.Duration
	// Throttle limits failed logins.
	Throttle Throttle
	// MailThrottle limits registration and password reset mails.
	MailThrottle MailThrottle
	// ResetTTL is how long a password reset link works.
	ResetTTL time.Duration
	// Catalog holds the mails' text in every language; the embedded catalogue when nil.
	Catalog *i18n.Catalog
	// DefaultLanguage is the language of accounts that name none.
	DefaultLanguage string
	Logger          *slog.Logger
	Now             func() time.Time
}

// Throttle limits failed logins, counted in the database so it holds across instances.
// Failures are counted within Window per pair (account, client address): a pair with
// PairLimit failures is refused until the oldest ages out. An account with AccountLimit
// failures from anywhere, or an address with AddressLimit failures for any accounts,
// lowers its pair limit to one: every address still gets one attempt checked per
// window, so the owner's address (and a colleague's behind the same NAT) is never
// locked out by someone else's failures, while a guesser spread over many addresses
// gets one guess per address per window. Refused attempts are not counted.
type Throttle struct {
	Window       time.Duration
	PairLimit    int
	AccountLimit int
	AddressLimit int
}

// DefaultThrottle are the numbers the docs state.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PairLimit: 5, AccountLimit: 20, AddressLimit: 100}

// MailThrottle limits requests that send mail (registration, password reset), per
// kind: within Window, an e-mail gets at most PerEmail mails (further requests are
// answered alike and send nothing), and a client address may make at most
// PerAddress requests (further ones are Throttled, whatever the address asked).
type MailThrottle struct {
	Window     time.Duration
	PerEmail   int
	PerAddress int
}

// DefaultMailThrottle are the numbers the docs state.
var DefaultMailThrottle = MailThrottle{Window: time.Hour, PerEmail: 3, PerAddress: 30}

// Service is the accounts domain: every face calls it, and it checks every rule.
type Service struct {
	db        *db.DB
	store     *Store
	opts      Options
	log       *slog.Logger
	now       func() time.Time
	dummyHash string
	// accounts caches what Authenticate reads under the request's auth version
	// (see internal/cache), so a logged-in page view reads no account row.
	accounts *cache.Map[int64, *User]
}

// maxCachedAccounts bounds the account cache.
const maxCachedAccounts = 20_000

// NewService builds the accounts service.
func NewService(d *db.DB, store *Store, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Argon2.MemoryKiB == 0 {
		opts.Argon2 = DefaultArgon2
	}
	if opts.ConfirmTTL == 0 {
		opts.ConfirmTTL = 24 * time.Hour
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 30 * 24 * time.Hour
	}
	if opts.AdminSessionTTL == 0 {
		opts.AdminSessionTTL = 12 * time.Hour
	}
	if opts.Throttle.Window == 0 {
		opts.Throttle = DefaultThrottle
	}
	if opts.MailThrottle.Window == 0 {
		opts.MailThrottle = DefaultMailThrottle
	}
	if opts.ResetTTL == 0 {
		opts.ResetTTL = time.Hour
	}
	if opts.DefaultLanguage == "" {
		opts.DefaultLanguage = "ru"
	}
	if opts.Catalog == nil {
		cat, err := i18n.New(opts.DefaultLanguage, opts.Logger)
		if err != nil {
			return nil, err
		}
		opts.Catalog = cat
	}
	if opts.BaseURL == nil {
		return nil, errors.New("users: BaseURL is required")
	}
	// Unknown e-mails are checked against this hash so that they take as long as a
	// wrong password and the timing does not tell which e-mails have accounts.
	dummy, err := HashPassword("not a real password, only for timing", opts.Argon2)
	if err != nil {
		return nil, err
	}
	return &Service{db: d, store: store, opts: opts, log: opts.Logger, now: opts.Now, dummyHash: dummy,
		accounts: cache.NewMap[int64, *User](maxCachedAccounts)}, nil
}

// SessionTTL is how long a login of u lasts: admins get the shorter lifetime.
func (s *Service) SessionTTL(u *User) time.Duration {
	if u.IsAdmin() {
		return s.opts.AdminSessionTTL
	}
	return s.opts.SessionTTL
}

// User returns the account with id, for an actor allowed to see it: themselves or an admin.
func (s *Service) User(ctx context.Context, actor *User, id int64) (*User, error) {
	if actor == nil {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	if actor.ID != id && !actor.IsAdmin() {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	u, err := getUser(ctx, s.db.R, "u.id = $1", id)
	if errors.Is(err, errNoUser) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return u, err
}

// Recipient returns the account a message to person id is written for, read as
// by themselves: from the accounts' cache when ctx carries the cache versions
// (Fresh), as a notification's delivery does, else from the database; NotFound
// when there is none. A kept copy is current: any change to an account, its
// roles or departments moves the auth version. (User reads the database always:
// a request may call it after changing that very account, under the version it
// read before the change.)
func (s *Service) Recipient(ctx context.Context, id int64) (*User, error) {
	u, err := s.account(ctx, id)
	if errors.Is(err, errNoUser) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return u, err
}

// Authenticate returns the active user of a web session made at epoch and issuedAt,
// or an Unauthenticated error when the account is gone, deactivated, its epoch moved
// on (password changed, deactivated) or the login outlived its lifetime.
func (s *Service) Authenticate(ctx context.Context, userID, epoch int64, issuedAt time.Time) (*User, error) {
	u, err := s.account(ctx, userID)
	if errors.Is(err, errNoUser) {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	if err != nil {
		return nil, err
	}
	if !u.Active || u.AuthEpoch != epoch || s.now().After(issuedAt.Add(s.SessionTTL(u))) {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	return u, nil
}

// newSecret returns a random URL-safe secret of n bytes and its storage hash.
func newSecret(n int) (plain, hash string) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("users: no randomness: %v", err))
	}
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, hashSecret(plain)
}

// hashSecret hashes a high-entropy secret (a token, a link) for storage; such
// secrets need no slow hash, only one that a database leak cannot reverse.
func hashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

func (s *Service) link(path string, query url.Values) string {
	u := *s.opts.BaseURL
	u.Path = u.Path + path
	u.RawQuery = query.Encode()
	return u.String()
}

// account reads the account with id, from the cache when the request read the
// versions and the entry is of the current auth version. Each caller gets its own
// copy, so nothing a request does to it reaches another.
func (s *Service) account(ctx context.Context, id int64) (*User, error) {
	v, versioned := cache.From(ctx)
	if versioned {
		if u, ok := s.accounts.Get(id, v.Auth); ok {
			return u.clone(), nil
		}
	}
	u, err := getUser(ctx, s.db.R, "u.id = $1", id)
	if err != nil {
		return nil, err
	}
	if versioned {
		s.accounts.Put(id, v.Auth, u.clone())
	}
	return u, nil
}

// clone copies u with its own slices.
func (u *User) clone() *User {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	c.Departments = slices.Clone(u.Departments)
	if u.LastLoginAt != nil {
		t := *u.LastLoginAt
		c.LastLoginAt = &t
	}
	return &c
}

// Fresh reads the cache versions (internal/cache) and returns ctx carrying them:
// the faces call it once per request, before the session or token is checked, so
// what this request reads from the caches is as current as that read; safe is
// whether the request only reads (GET, HEAD; see cache.Check).
func (s *Service) Fresh(ctx context.Context, safe bool) context.Context {
	if s == nil || s.db == nil {
		return ctx // a face built without accounts (the spec's own tests)
	}
	return cache.Check(ctx, s.db.R, safe)
}
