package usage

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/store"
)

// testNow is the tests' clock: a Wednesday, so its week (from Monday
// 2024-09-16) is running and the two before it are complete.
var testNow = time.Date(2024, 9, 18, 12, 0, 0, 0, time.UTC)

// newTestService opens the usage service on db with the test
// configuration and catalog, its clock stopped at testNow.
func newTestService(t testing.TB, db *store.DB) *Service {
	t.Helper()
	cfg, cat := catalogtest.OpenFiles(t, db, "testdata/paved.yaml", "testdata/catalog.yaml")
	s, err := NewService(cfg, cat, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return testNow }
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// fixtureEvents parses testdata/events.json.
func fixtureEvents(t testing.TB) []Event {
	t.Helper()
	body, err := os.ReadFile("testdata/events.json")
	if err != nil {
		t.Fatal(err)
	}
	events, err := ParseEvents(body, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// withoutCommands runs the test without the CLI's commands declared, so
// that known features are only those the test declares.
func withoutCommands(t testing.TB) {
	t.Helper()
	commands.Lock()
	saved := commands.features
	commands.features = nil
	commands.Unlock()
	t.Cleanup(func() {
		commands.Lock()
		commands.features = saved
		commands.Unlock()
	})
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
