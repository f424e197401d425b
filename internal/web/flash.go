package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

const flashCookie = "paved_flash"

// setFlash carries notices across a post-redirect-get. The cookie is
// signed with the session's CSRF secret, which every replica can read from
// the store, so only the session that made the change sees the notice and
// nobody else can plant one.
func setFlash(w http.ResponseWriter, r *http.Request, v *viewer, notices []string) {
	if v.sess == nil || len(notices) == 0 {
		return
	}
	payload, err := json.Marshal(notices)
	if err != nil {
		return
	}
	enc := base64.RawURLEncoding.EncodeToString(payload)
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: enc + "." + flashMAC(v.sess.CSRF, enc), Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// takeFlash returns the pending notices, once.
func takeFlash(w http.ResponseWriter, r *http.Request, v *viewer) []string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	clearCookie(w, r, flashCookie)
	if v.sess == nil {
		return nil
	}
	enc, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(flashMAC(v.sess.CSRF, enc))) {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil
	}
	var notices []string
	if json.Unmarshal(payload, &notices) != nil {
		return nil
	}
	return notices
}

func flashMAC(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("paved-flash\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
