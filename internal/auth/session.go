package auth

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"time"

	"github.com/paved-dev/paved/internal/store"
)

// Session is a signed-in UI user, acting with the role of the token they
// signed in with.
type Session struct {
	Token Token
	// CSRF is the per-session secret every state-changing form must echo.
	CSRF      string
	ExpiresAt time.Time
}

// CheckCSRF compares a submitted form token with the session's in constant
// time.
func (s Session) CheckCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}

// SignIn authenticates secret and opens a session for ttl. It returns the
// session ID to put in the cookie; only its hash is stored.
func (s *Store) SignIn(ctx context.Context, secret string, ttl time.Duration) (string, Session, error) {
	t, err := s.Authenticate(ctx, secret)
	if err != nil {
		return "", Session{}, err
	}
	id := newSecret()
	sess := Session{Token: t, CSRF: newID("csrf_") + newID(""), ExpiresAt: time.Now().Add(ttl).UTC()}
	_, err = s.db.W.ExecContext(ctx, `INSERT INTO sessions (hash, token_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hash(id), t.ID, sess.CSRF, store.Now(), sess.ExpiresAt.UnixMilli())
	if err != nil {
		return "", Session{}, err
	}
	// Housekeeping: drop expired sessions now and then.
	s.db.W.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, store.Now())
	return id, sess, nil
}

// Session returns the live session for a cookie value.
func (s *Store) Session(ctx context.Context, id string) (Session, error) {
	var sess Session
	var expires int64
	row := s.db.R.QueryRowContext(ctx, `SELECT t.id, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at, s.csrf, s.expires_at
		FROM sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.hash = $1`, hash(id))
	var used, revoked sql.NullInt64
	var created int64
	var role string
	err := row.Scan(&sess.Token.ID, &sess.Token.Name, &role, &created, &used, &revoked, &sess.CSRF, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, ErrUnauthenticated
	}
	if err != nil {
		return sess, err
	}
	sess.Token.Role, sess.Token.CreatedAt = Role(role), store.Time(created)
	sess.ExpiresAt = store.Time(expires)
	if revoked.Valid || time.Now().After(sess.ExpiresAt) {
		return Session{}, ErrUnauthenticated
	}
	return sess, nil
}

// SignOut ends a session.
func (s *Store) SignOut(ctx context.Context, id string) error {
	_, err := s.db.W.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hash(id))
	return err
}

type ctxKey struct{}

// Principal is who is making a request.
type Principal struct {
	Token Token
	// Anonymous is true for unauthenticated readers in demo mode.
	Anonymous bool
}

// WithPrincipal stores p in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, if any.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}
