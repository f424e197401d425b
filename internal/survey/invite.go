package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/paved-dev/paved/internal/api"
)

// TokenPrefix starts every invite token, so that people and secret
// scanners can tell one when they see it.
const TokenPrefix = "pvs_"

// MaxInvites bounds the invites one request creates.
const MaxInvites = 10000

// AnswerPath is where the answer page lives; an invite link is the base
// URL, this path and the token.
const AnswerPath = "/answer/"

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Link returns the answer page's URL for token under base.
func Link(base, token string) string {
	return strings.TrimRight(base, "/") + AnswerPath + token
}

// CheckBaseURL validates a base URL given for invite links.
func CheckBaseURL(field, base string) error {
	u, err := url.Parse(base)
	if base == "" {
		return api.Invalid(field, "is required: the URL respondents reach paved at, e.g. https://paved.example.com (or set surveys.base_url in paved.yaml)")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return api.Invalid(field, "%q is not an http:// or https:// URL with a host (and no query), e.g. https://paved.example.com", base)
	}
	return nil
}

// Invite creates n personal invites for members of team and returns their
// tokens, which are shown once: only their hashes are stored. An invite
// records the team, so that results can be given per team, and nothing
// about the person it is sent to.
func (s *Service) Invite(ctx context.Context, surveyID, team string, n int) ([]string, error) {
	sv, err := s.Get(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	if sv.Status(s.now()) == StatusClosed {
		return nil, api.Conflict("survey %s closed on %s; its invites could never be answered", sv.ID, sv.Closes)
	}
	if team == "" {
		return nil, api.Invalid("team", "is required: invites are per team, so that results can be given per team")
	}
	if _, err := s.cat.Team(ctx, team); err != nil {
		return nil, err
	}
	if !sv.InAudience(team) {
		return nil, api.Invalid("team", "team %q is not in the audience of survey %s; its audience is %s", team, sv.ID, strings.Join(sv.Teams, ", "))
	}
	if n < 1 || n > MaxInvites {
		return nil, api.Invalid("count", "%d is out of range; create 1 to %d invites at a time", n, MaxInvites)
	}
	tokens := make([]string, n)
	hashes := make([]string, n)
	for i := range tokens {
		tokens[i] = newToken()
		hashes[i] = hashToken(tokens[i])
	}
	if err := s.store.insertInvites(ctx, sv.ID, team, s.today(), hashes); err != nil {
		return nil, fmt.Errorf("storing invites: %w", err)
	}
	return tokens, nil
}
