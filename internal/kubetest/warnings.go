package kubetest

import (
	"context"
	"sync"
)

// Warnings records the warnings an API server sends with its responses:
// the Warning headers (code 299) that kubectl prints as "Warning: ...",
// such as an admission webhook's response.warnings or a deprecation notice.
// It implements rest.WarningHandlerWithContext; get one, wired to a
// clientset, from Cluster.ClientWithWarnings. It is safe for concurrent
// use, since client-go calls it from whichever goroutine made the request.
type Warnings struct {
	mu       sync.Mutex
	messages []string
}

// HandleWarningHeaderWithContext records text. Headers with another code
// are not warnings in the Kubernetes sense (the API server sends only 299),
// so they are ignored, as client-go's own handlers do.
func (w *Warnings) HandleWarningHeaderWithContext(_ context.Context, code int, _ string, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.messages = append(w.messages, text)
}

// Messages returns the warnings recorded so far, in arrival order.
func (w *Warnings) Messages() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.messages...)
}

// Reset forgets the recorded warnings, so that the next assertion sees only
// the next request's.
func (w *Warnings) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.messages = nil
}
