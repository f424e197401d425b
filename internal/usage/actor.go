package usage

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/paved-dev/paved/internal/store"
)

// actorKeySetting names the HMAC key in usage_settings.
const actorKeySetting = "actor_key"

// actorHasher hashes actors with the install's key, read (or created, by
// whichever replica gets there first) on first use and then cached.
type actorHasher struct {
	db  *store.DB
	mu  sync.Mutex
	key []byte
}

// hash returns actor as stored: "" stays "" (anonymous), a 64-digit hex
// hash is kept (lower-cased), anything else is an identity and becomes
// HMAC-SHA256(key, lower-cased identity) in hex, so "Alice" and "alice"
// are one person and nobody reading the database learns either.
func (h *actorHasher) hash(ctx context.Context, actor string) (string, error) {
	if actor == "" {
		return "", nil
	}
	if IsHash(actor) {
		return strings.ToLower(actor), nil
	}
	key, err := h.load(ctx)
	if err != nil {
		return "", err
	}
	return hashWith(key, actor), nil
}

func hashWith(key []byte, actor string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.ToLower(actor)))
	return hex.EncodeToString(m.Sum(nil))
}

// IsHash reports whether actor is already a hash: 64 hex digits, the
// length of a hex SHA-256.
func IsHash(actor string) bool {
	if len(actor) != 64 {
		return false
	}
	for i := 0; i < len(actor); i++ {
		c := actor[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// load returns the install's key, creating it the first time. Replicas
// racing to create it all end up with the one that was stored.
func (h *actorHasher) load(ctx context.Context) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.key != nil {
		return h.key, nil
	}
	read := func() (string, error) {
		var v string
		err := h.db.R.QueryRowContext(ctx, `SELECT value FROM usage_settings WHERE name = $1`, actorKeySetting).Scan(&v)
		return v, err
	}
	v, err := read()
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		if _, err := h.db.W.ExecContext(ctx, `INSERT INTO usage_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
			actorKeySetting, hex.EncodeToString(b)); err != nil {
			return nil, fmt.Errorf("creating the usage actor key: %w", err)
		}
		v, err = read()
	}
	if err != nil {
		return nil, fmt.Errorf("reading the usage actor key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("the usage actor key in usage_settings is not 16 or more hex-encoded bytes")
	}
	h.key = key
	return key, nil
}
