package delivery

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// event is one accepted delivery as every source's parser hands it to the
// writer: its idempotency key and, unless it is ignored, exactly one
// operation. Times are Unix milliseconds.
type event struct {
	key    string // idempotency key, source-prefixed (github:<delivery id>)
	source string // SourceGitHub, ...
	kind   string // the event type as sent
	// repository is the normalised repository the event is about, or "".
	repository string
	// ignored says why the event is acknowledged but not applied; "" when
	// it is applied.
	ignored string

	deploy   *deployOp
	push     *pushOp
	change   *changeOp
	incident *incidentOp
}

// deployOp records a deployment, or a later status of one.
type deployOp struct {
	externalID  string
	repository  string
	service     string // as the sender named it; "" when only the repository is known
	environment string // as sent
	sha         string
	status      string // StatusSuccess or StatusFailure
	rollback    bool
	fixes       string
	deployedAt  int64
	// commits the deployment contains, oldest first (the API's optional
	// list); they land, in this order, after what has landed before.
	commits []commitIn
}

// commitIn is a commit as a push or a deployment lists it.
type commitIn struct {
	sha   string
	at    int64
	title string
	// distinct is false when the sender says the commit was pushed before
	// (to another branch): it belongs to a pull request, not a direct push.
	distinct bool
}

// pushOp records commits pushed to a branch.
type pushOp struct {
	repository    string
	ref           string // refs/heads/<branch>
	defaultBranch string
	pushedAt      int64
	commits       []commitIn // oldest first
}

// changeOp records a merged pull or merge request, or a change.merged.
type changeOp struct {
	kind       string // KindPullRequest, KindMergeRequest or KindChange
	repository string
	number     int64
	externalID string // when there is no number (CDEvents)
	title      string
	sha        string // the merge, squash or head commit that landed
	headRef    string // the source branch, without refs/heads/
	headSHA    string
	createdAt  int64
	mergedAt   int64
	// firstCommitAt is set when the sender knows it; otherwise it is the
	// earliest commit seen pushed to headRef, else createdAt.
	firstCommitAt int64
}

// incidentOp opens, updates, resolves, reopens or withdraws an incident,
// identified by its source and external id.
type incidentOp struct {
	externalID  string
	repository  string
	service     string
	environment string
	title       string
	url         string
	openedAt    int64 // 0: keep what is known (or the resolution time for a new one)
	resolvedAt  int64 // 0: unchanged
	reopen      bool  // clear the resolution
	withdraw    bool  // it was not an incident after all: remove it
	// deployment names the deployment that caused it (an id, the sender's
	// id or a commit); "" links by the incident window.
	deployment string
}

// hashID derives a stable id from parts, so that the same deployment,
// change or incident arriving twice maps to the same row.
func hashID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil)[:10])
}

// changeID is a change's stable id: the time it is about (its merge, or
// its commit), then a hash of what identifies it. The time first keeps
// new changes together at the end of the primary key's index, so that a
// batch of them writes a few pages instead of one page each.
func changeID(at int64, parts ...string) string {
	return fmt.Sprintf("chg_%011x_%s", max(at, 0), hashID("", parts...))
}

// bodyKey is the idempotency key of a delivery that carries none.
func bodyKey(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha256-" + hex.EncodeToString(sum[:])
}

// isHex reports whether s is a plausible commit id: 4 to 64 hex digits.
func isHex(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// firstLine is a commit message's subject, bounded for storage.
func firstLine(msg string) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return clip(strings.TrimSpace(msg), 200)
}

// clip bounds a free-text field without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s
}
