// Package auth owns API tokens, their roles, and the UI sessions created by
// signing in with a token. Tokens are random 256-bit secrets; only their
// SHA-256 hash is stored, and no secret is ever logged.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/store"
)

// Role is what a token may do.
type Role string

const (
	RoleAdmin  Role = "admin"  // everything, including tokens
	RoleEditor Role = "editor" // read and change the catalog and settings
	RoleViewer Role = "viewer" // read only
	RoleIngest Role = "ingest" // only post events (deployments, usage, ...)
)

// Roles lists the valid roles, most powerful first.
var Roles = []Role{RoleAdmin, RoleEditor, RoleViewer, RoleIngest}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", api.Invalid("role", "%q is not a role; use admin, editor, viewer or ingest", s)
}

// Allows reports whether role r may call a route needing p.
func (r Role) Allows(p api.Permission) bool {
	switch p {
	case api.Public:
		return true
	case api.Read:
		return r == RoleAdmin || r == RoleEditor || r == RoleViewer
	case api.Write:
		return r == RoleAdmin || r == RoleEditor
	case api.Admin:
		return r == RoleAdmin
	case api.Ingest:
		return r == RoleAdmin || r == RoleEditor || r == RoleIngest
	}
	return false
}

// Token describes an API token; the secret itself is never stored.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Prefix starts every secret, so that secret scanners and people can tell a
// paved token when they see one.
const Prefix = "pvd_"

// ErrUnauthenticated is returned for a missing, wrong or revoked secret.
var ErrUnauthenticated = &api.Error{Status: 401, Code: "unauthenticated", Message: "missing, unknown or revoked token"}

// Store keeps tokens and sessions.
type Store struct {
	db *store.DB
}

// NewStore returns a token store on db.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return Prefix + base64.RawURLEncoding.EncodeToString(b)
}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Create makes a token and returns it with its secret, which is shown once.
func (s *Store) Create(ctx context.Context, name string, role Role) (Token, string, error) {
	return s.create(ctx, name, role, newSecret())
}

func (s *Store) create(ctx context.Context, name string, role Role, secret string) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Token{}, "", api.Invalid("name", "a name is required, e.g. the CI system or person that will use the token")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return Token{}, "", err
	}
	t := Token{ID: newID("tok_"), Name: name, Role: role, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.Name, string(t.Role), hash(secret), t.CreatedAt.UnixMilli())
	return t, secret, err
}

// Bootstrap makes sure an empty installation has an admin token. When no
// token exists it creates one: from envSecret when given (PAVED_ADMIN_TOKEN),
// else a random one that it returns so the caller can print it once.
// It returns "" when tokens already exist or the secret came from the
// environment.
func (s *Store) Bootstrap(ctx context.Context, envSecret string) (string, error) {
	var shown string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		secret := envSecret
		if secret == "" {
			secret = newSecret()
			shown = secret
		} else if len(secret) < 16 {
			return errors.New("PAVED_ADMIN_TOKEN is too short: use at least 16 characters")
		}
		// A fixed ID makes two replicas bootstrapping at once collide on
		// the primary key instead of creating two admins.
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ('tok_bootstrap', 'bootstrap admin', 'admin', $1, $2) ON CONFLICT (id) DO NOTHING`,
			hash(secret), store.Now())
		return err
	})
	return shown, err
}

// List returns every token, newest first.
func (s *Store) List(ctx context.Context) ([]Token, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var created int64
	var used, revoked sql.NullInt64
	var role string
	if err := row.Scan(&t.ID, &t.Name, &role, &created, &used, &revoked); err != nil {
		return t, err
	}
	t.Role, t.CreatedAt = Role(role), store.Time(created)
	if used.Valid {
		u := store.Time(used.Int64)
		t.LastUsedAt = &u
	}
	if revoked.Valid {
		r := store.Time(revoked.Int64)
		t.RevokedAt = &r
	}
	return t, nil
}

// Revoke disables a token at once, and ends the UI sessions it opened.
func (s *Store) Revoke(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, store.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE id = $1`, id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return api.NotFound("token %q does not exist (paved token list shows the IDs)", id)
			}
			return nil // already revoked: revoking again is a no-op
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_id = $1`, id)
		return err
	})
}

// Authenticate returns the live token whose secret this is.
func (s *Store) Authenticate(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, Prefix) && len(secret) < 16 {
		return Token{}, ErrUnauthenticated
	}
	row := s.db.R.QueryRowContext(ctx, `SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens WHERE hash = $1`, hash(secret))
	t, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, ErrUnauthenticated
	}
	if err != nil {
		return Token{}, err
	}
	if t.RevokedAt != nil {
		return Token{}, ErrUnauthenticated
	}
	s.touch(ctx, t)
	return t, nil
}

// touch records use at most once a minute per token, so that reading the
// API does not turn every request into a write.
func (s *Store) touch(ctx context.Context, t Token) {
	now := time.Now().UTC()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < time.Minute {
		return
	}
	s.db.W.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, now.UnixMilli())
}
