package catalog_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func newCatalog(t testing.TB, db *store.DB) *catalog.Catalog {
	t.Helper()
	ctx := context.Background()
	c, err := catalog.New(ctx, db, config.Default().Ownership)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SyncEnvironments(ctx, config.Default().Environments); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImportBackstageAndPaved(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newCatalog(t, db)
		doc, err := catalog.ReadFiles([]string{"testdata/backstage", "testdata/paved/catalog.yaml"})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := c.Apply(ctx, doc, catalog.ApplyOptions{Source: "import"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Teams.Created != 3 || rep.Services.Created != 4 || rep.Environments.Created != 1 {
			t.Fatalf("report = %+v", rep)
		}
		if len(rep.Skipped) != 2 { // the User and the API
			t.Fatalf("skipped = %+v", rep.Skipped)
		}

		checkout, err := c.Service(ctx, "checkout")
		if err != nil {
			t.Fatal(err)
		}
		want := catalog.Service{
			Name: "checkout", Team: "payments", DisplayName: "Checkout", Description: "Takes the money.",
			Lifecycle: "production", Tier: "tier-1", Type: "service", GoldenPath: "go-service",
			Repository: "https://github.com/example-shop/checkout",
			Namespaces: []catalog.Namespace{{Name: "checkout"}, {Name: "checkout-dev", Environment: "dev"}, {Name: "checkout-prod", Environment: "prod"}},
			CloudAccounts: []catalog.CloudAccount{
				{ID: "123456789012", Provider: "aws", Environment: "prod"},
				{ID: "210987654321", Provider: "aws", Environment: "dev"},
			},
		}
		if got := strip(checkout); !equalJSON(got, want) {
			t.Errorf("checkout:\n got  %+v\n want %+v", got, want)
		}
		search, _ := c.Team(ctx, "search-team")
		if search.DisplayName != "Search & Discovery" {
			t.Errorf("Backstage name Search_Team should import as search-team with its title, got %+v", search)
		}
		pay, _ := c.Team(ctx, "payments")
		if pay.Contact.Email != "payments@example.com" || pay.Contact.Chat != "#team-payments" || len(pay.Members) != 2 {
			t.Errorf("payments = %+v", pay)
		}
		sa, _ := c.Service(ctx, "search-api")
		if sa.Repository != "https://gitlab.example.com/shop/search/search-api" {
			t.Errorf("gitlab instance repository = %q", sa.Repository)
		}
		ix, _ := c.Service(ctx, "indexer")
		if ix.Repository != "https://github.com/example-shop/indexer" {
			t.Errorf("source-location repository = %q", ix.Repository)
		}

		// Idempotent: the same import again changes nothing and does not
		// even bump the catalog version.
		v := c.Index().Version()
		rep, err = c.Apply(ctx, doc, catalog.ApplyOptions{Source: "import"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Changes) != 0 || rep.Services.Unchanged != 4 || rep.Teams.Unchanged != 3 {
			t.Fatalf("re-import changed things: %+v", rep)
		}
		if c.Index().Version() != v {
			t.Fatalf("re-import bumped the catalog version")
		}
	})
}

// TestImportErrors checks that every problem is reported with its file,
// document and field, and that nothing at all is written.
func TestImportErrors(t *testing.T) {
	_, err := catalog.ReadFiles([]string{"testdata/bad"})
	if err == nil {
		t.Fatal("bad files were accepted")
	}
	golden(t, "testdata/bad.golden", err.Error())

	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newCatalog(t, db)
		// Parsable but invalid: unknown owner, bad name, unknown environment.
		doc, err := catalog.Parse("inline.yaml", []byte(`teams:
  - name: platform
services:
  - name: orphan
    team: nobody
  - name: Bad Name
    team: platform
  - name: paved
    team: platform
    namespaces: [{name: paved, environment: moon}]
  - name: paved
    team: platform
`))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Apply(ctx, doc, catalog.ApplyOptions{})
		if err == nil {
			t.Fatal("invalid document applied")
		}
		golden(t, "testdata/apply_errors.golden", err.Error())
		teams, _ := c.Teams(ctx)
		if len(teams) != 0 {
			t.Fatalf("a failed apply wrote %d teams", len(teams))
		}
	})
}

func TestCRUD(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newCatalog(t, db)
		ch, err := c.PutTeam(ctx, catalog.Team{Name: "payments", Contact: catalog.Contact{Email: "p@example.com"}}, true)
		if err != nil || ch != catalog.Created {
			t.Fatalf("create: %v %v", ch, err)
		}
		if _, err := c.PutTeam(ctx, catalog.Team{Name: "payments"}, true); !isStatus(err, 409) {
			t.Fatalf("duplicate create: %v", err)
		}
		if ch, _ := c.PutTeam(ctx, catalog.Team{Name: "payments", Contact: catalog.Contact{Email: "p@example.com"}}, false); ch != catalog.Unchanged {
			t.Fatalf("same put: %v", ch)
		}
		if _, err := c.PutTeam(ctx, catalog.Team{Name: "x", Contact: catalog.Contact{Email: "not-an-email"}}, false); !isField(err, "contact.email") {
			t.Fatalf("bad email: %v", err)
		}
		if _, err := c.PutTeam(ctx, catalog.Team{Name: "unowned"}, false); !isField(err, "name") {
			t.Fatalf("reserved name: %v", err)
		}
		if _, err := c.PutService(ctx, catalog.Service{Name: "checkout", Team: "nobody"}, true); !isField(err, "team") {
			t.Fatalf("service with unknown team: %v", err)
		}
		svc := catalog.Service{Name: "checkout", Team: "payments", Namespaces: []catalog.Namespace{{Name: "checkout-prod", Environment: "prod"}}}
		if ch, err := c.PutService(ctx, svc, true); err != nil || ch != catalog.Created {
			t.Fatalf("create service: %v %v", ch, err)
		}
		if o := c.Index().ResolveObject(nil, "checkout-prod"); o.Service != "checkout" {
			t.Fatalf("index not refreshed after write: %+v", o)
		}
		if err := c.DeleteTeam(ctx, "payments"); !isStatus(err, 409) {
			t.Fatalf("deleting a team that owns services: %v", err)
		}
		if err := c.DeleteEnvironment(ctx, "prod"); !isStatus(err, 409) {
			t.Fatalf("deleting a used environment: %v", err)
		}
		if err := c.DeleteService(ctx, "checkout"); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteService(ctx, "checkout"); !api.IsNotFound(err) {
			t.Fatalf("second delete: %v", err)
		}
		if err := c.DeleteTeam(ctx, "payments"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Team(ctx, "payments"); !api.IsNotFound(err) {
			t.Fatalf("deleted team still there: %v", err)
		}
	})
}

func TestOnboardIsSafeToRerun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newCatalog(t, db)
		res, err := c.Onboard(ctx, catalog.Team{Name: "growth", DisplayName: "Growth", Contact: catalog.Contact{Chat: "#growth"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Actions) != 1 || res.Actions[0].Change != catalog.Created || res.Team.Source != "onboard" {
			t.Fatalf("first onboard: %+v", res)
		}
		// Re-run with only the name: nothing is lost, nothing changes.
		res, err = c.Onboard(ctx, catalog.Team{Name: "growth"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Actions[0].Change != catalog.Unchanged || res.Team.DisplayName != "Growth" || res.Team.Contact.Chat != "#growth" {
			t.Fatalf("re-run onboard: %+v", res)
		}
		// A changed contact is an update.
		res, _ = c.Onboard(ctx, catalog.Team{Name: "growth", Contact: catalog.Contact{Email: "growth@example.com"}})
		if res.Actions[0].Change != catalog.Updated || res.Team.Contact.Chat != "#growth" {
			t.Fatalf("onboard with new email: %+v", res)
		}
	})
}

// strip clears what the store adds, for comparing with a literal.
func strip(s catalog.Service) catalog.Service {
	var zero catalog.Service
	s.Source, s.CreatedAt, s.UpdatedAt = "", zero.CreatedAt, zero.UpdatedAt
	return s
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	got = strings.TrimSpace(got) + "\n"
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("differs from %s (run with -update to accept):\n got:\n%s\nwant:\n%s", filepath.Base(path), got, want)
	}
}
