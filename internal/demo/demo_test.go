package demo

import (
	"context"
	"reflect"
	"testing"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func TestCatalogIsDeterministicAndBigEnough(t *testing.T) {
	a, b := Catalog(), Catalog()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs of the generator differ")
	}
	if len(a.Teams) < 10 || len(a.Services) < 50 {
		t.Fatalf("demo has %d teams and %d services; the issue asks for at least 10 and 50", len(a.Teams), len(a.Services))
	}
	for _, s := range a.Services {
		if len(s.Namespaces) != 3 || len(s.CloudAccounts) < 3 {
			t.Fatalf("service %s lacks per-environment namespaces or accounts: %+v", s.Name, s)
		}
	}
}

func TestLoadIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, err := catalog.New(ctx, db, config.Default().Ownership)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Services.Created < 50 {
			t.Fatalf("first load created %d services", rep.Services.Created)
		}
		rep, err = Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Changes) != 0 {
			t.Fatalf("second load changed %d entities: %v", len(rep.Changes), rep.Changes[:1])
		}
		o := c.Index().ResolveObject(nil, "checkout-prod")
		if o.Team != "payments" || o.Service != "checkout" || o.Environment != "prod" {
			t.Fatalf("demo namespace resolves to %+v", o)
		}
	})
}
