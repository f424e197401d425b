package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
)

const sessionCookie = "paved_session"

// viewer is who is looking at a page: a signed-in session, or nobody.
type viewer struct {
	sess *auth.Session
	// id is the cookie's session ID, kept for signing out. It is a
	// credential: never render or log it.
	id string
	// stale is set when the browser sent a cookie for a session that has
	// expired or was revoked, so the response can drop it.
	stale bool
}

// SignedIn reports whether the viewer has a session.
func (v *viewer) SignedIn() bool { return v.sess != nil }

// Name is the name of the token the viewer signed in with.
func (v *viewer) Name() string {
	if v.sess == nil {
		return ""
	}
	return v.sess.Token.Name
}

// Role is the role of the viewer's token.
func (v *viewer) Role() string {
	if v.sess == nil {
		return ""
	}
	return string(v.sess.Token.Role)
}

// CanWrite reports whether forms that change the catalog should be shown.
func (v *viewer) CanWrite() bool { return v.sess != nil && v.sess.Token.Role.Allows(api.Write) }

// CSRF is the token every state-changing form echoes in its csrf field.
func (v *viewer) CSRF() string {
	if v.sess == nil {
		return ""
	}
	return v.sess.CSRF
}

func (u *ui) viewer(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return &viewer{}, nil
	}
	sess, err := u.auth.Session(r.Context(), c.Value)
	if errors.Is(err, auth.ErrUnauthenticated) {
		return &viewer{stale: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading the session: %w", err)
	}
	return &viewer{sess: &sess, id: c.Value}, nil
}

// pageFunc handles one page for an authorised viewer. Returned errors
// become error pages (see fail).
type pageFunc func(w http.ResponseWriter, r *http.Request, v *viewer) error

// page loads the viewer, enforces perm, then runs fn.
func (u *ui) page(perm api.Permission, fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := u.viewer(r)
		if err != nil {
			u.fail(w, r, nil, err)
			return
		}
		if v.stale {
			clearCookie(w, r, sessionCookie)
		}
		if !u.authorize(w, r, v, perm) {
			return
		}
		if err := fn(w, r, v); err != nil {
			u.fail(w, r, v, err)
			return
		}
		u.recordUse(r, perm, v)
	}
}

// authorize answers the request itself (a redirect to sign in, or a 403
// page) and returns false when v may not go on.
func (u *ui) authorize(w http.ResponseWriter, r *http.Request, v *viewer, perm api.Permission) bool {
	forbid := func(format string, args ...any) bool {
		u.fail(w, r, v, &api.Error{Status: http.StatusForbidden, Code: "forbidden", Message: fmt.Sprintf(format, args...)})
		return false
	}
	switch {
	case perm == api.Public:
		return true
	case perm == api.Read && v.sess == nil:
		if u.demo {
			return true
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return false
	case v.sess == nil:
		return forbid("Sign in with an editor or admin token to make changes.")
	}
	if perm != api.Read && !v.sess.CheckCSRF(r.PostFormValue("csrf")) {
		return forbid("This form has expired or did not come from this paved page. Go back, reload the page and submit it again.")
	}
	if !v.sess.Token.Role.Allows(perm) {
		return forbid("You are signed in with the token %q, whose role %s may not %s here. Sign in with a token that has a stronger role.",
			v.sess.Token.Name, v.sess.Token.Role, perm)
	}
	return true
}

// loginPage is the content of the sign-in form.
type loginPage struct {
	Next  string
	Error string
}

func (u *ui) loginForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	u.render(w, r, v, http.StatusOK, "login", "Sign in", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

func (u *ui) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	secret := strings.TrimSpace(r.PostFormValue("token"))
	retry := func(status int, msg string) {
		u.render(w, r, &viewer{}, status, "login", "Sign in", loginPage{Next: next, Error: msg})
	}
	if secret == "" {
		retry(http.StatusUnauthorized, "Paste an API token to sign in.")
		return
	}
	id, sess, err := u.auth.SignIn(r.Context(), secret, u.ttl)
	if errors.Is(err, auth.ErrUnauthenticated) {
		retry(http.StatusUnauthorized, "That token is not valid or has been revoked.")
		return
	}
	if err != nil {
		u.fail(w, r, nil, fmt.Errorf("signing in: %w", err))
		return
	}
	if !sess.Token.Role.Allows(api.Read) {
		// Ingest tokens only post events; a UI session for one would show
		// nothing but 403 pages.
		if err := u.auth.SignOut(r.Context(), id); err != nil {
			u.log.WarnContext(r.Context(), "ending a refused session failed", "err", err)
		}
		retry(http.StatusForbidden, fmt.Sprintf("The token %q has the %s role, which cannot use the web UI. Sign in with a viewer, editor or admin token.", sess.Token.Name, sess.Token.Role))
		return
	}
	// Replace rather than stack sessions when someone signs in again.
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := u.auth.SignOut(r.Context(), old.Value); err != nil {
			u.log.WarnContext(r.Context(), "ending the previous session failed", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (u *ui) logout(w http.ResponseWriter, r *http.Request) {
	v, err := u.viewer(r)
	if err != nil {
		u.fail(w, r, nil, err)
		return
	}
	if v.sess != nil {
		if !v.sess.CheckCSRF(r.PostFormValue("csrf")) {
			u.fail(w, r, v, &api.Error{Status: http.StatusForbidden, Code: "forbidden",
				Message: "This sign-out form has expired or did not come from this paved page. Reload the page and sign out again."})
			return
		}
		if err := u.auth.SignOut(r.Context(), v.id); err != nil {
			u.fail(w, r, v, fmt.Errorf("signing out: %w", err))
			return
		}
	}
	clearCookie(w, r, sessionCookie)
	clearCookie(w, r, flashCookie)
	to := "/login"
	if u.demo {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// safeNext keeps sign-in redirects on this site: only a local path is
// accepted ("//host" and "/\host" are other sites to a browser).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.Path == "/login" {
		return "/"
	}
	return next
}
