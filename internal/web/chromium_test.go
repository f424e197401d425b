package web_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
	"github.com/paved-dev/paved/internal/testenv"
)

// chromiumSession starts headless chromium for one test (skipping, with a
// one-line reason, when there is none) and returns its context, bounded
// so that a hung browser fails the test rather than the test binary, and
// a function that fails the test with everything the browser console
// reported as an error, such as a Content-Security-Policy violation.
func chromiumSession(t *testing.T) (context.Context, func()) {
	t.Helper()
	chromium := testenv.Chromium(t)
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	bctx, cancel = context.WithTimeout(bctx, 60*time.Second)
	t.Cleanup(cancel)

	var mu sync.Mutex
	var console []string
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*log.EventEntryAdded); ok && e.Entry != nil && e.Entry.Level == log.EntryLevelError {
			mu.Lock()
			console = append(console, string(e.Entry.Source)+": "+e.Entry.Text)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	checkConsole := func() {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		for _, line := range console {
			t.Errorf("browser console: %s", line)
		}
	}
	return bctx, checkConsole
}
