package auth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func TestBootstrap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := auth.NewStore(db)
		secret, err := s.Bootstrap(ctx, "")
		if err != nil || !strings.HasPrefix(secret, auth.Prefix) {
			t.Fatalf("first bootstrap: %q %v", secret, err)
		}
		tok, err := s.Authenticate(ctx, secret)
		if err != nil || tok.Role != auth.RoleAdmin {
			t.Fatalf("bootstrap token: %+v %v", tok, err)
		}
		again, err := s.Bootstrap(ctx, "")
		if err != nil || again != "" {
			t.Fatalf("second bootstrap created another admin: %q %v", again, err)
		}
	})
}

func TestBootstrapFromEnvironment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := auth.NewStore(db)
		if _, err := s.Bootstrap(ctx, "short"); err == nil {
			t.Fatal("accepted a 5-character admin token")
		}
		const env = "a-long-enough-admin-token"
		// Replicas starting together must end up with exactly one admin.
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if shown, err := s.Bootstrap(ctx, env); err != nil || shown != "" {
					t.Errorf("bootstrap from env: %q %v", shown, err)
				}
			}()
		}
		wg.Wait()
		ts, _ := s.List(ctx)
		if len(ts) != 1 {
			t.Fatalf("%d tokens after concurrent bootstrap", len(ts))
		}
		if _, err := s.Authenticate(ctx, env); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := auth.NewStore(db)
		tok, secret, err := s.Create(ctx, "alice", auth.RoleEditor)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignIn(ctx, "pvd_wrong", time.Hour); err != auth.ErrUnauthenticated {
			t.Fatalf("wrong secret: %v", err)
		}
		id, sess, err := s.SignIn(ctx, secret, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Session(ctx, id)
		if err != nil || got.Token.ID != tok.ID || !got.CheckCSRF(sess.CSRF) || got.CheckCSRF("") || got.CheckCSRF("x") {
			t.Fatalf("session: %+v %v", got, err)
		}
		expired, _, _ := s.SignIn(ctx, secret, -time.Second)
		if _, err := s.Session(ctx, expired); err != auth.ErrUnauthenticated {
			t.Fatalf("expired session accepted: %v", err)
		}
		// Revoking the token ends its sessions at once.
		if err := s.Revoke(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, id); err != auth.ErrUnauthenticated {
			t.Fatalf("session of a revoked token accepted: %v", err)
		}
		if err := s.Revoke(ctx, tok.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if err := s.Revoke(ctx, "tok_missing"); !api.IsNotFound(err) {
			t.Fatalf("revoking a missing token: %v", err)
		}
	})
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role auth.Role
		perm api.Permission
		want bool
	}{
		{auth.RoleViewer, api.Read, true},
		{auth.RoleViewer, api.Write, false},
		{auth.RoleViewer, api.Ingest, false},
		{auth.RoleEditor, api.Write, true},
		{auth.RoleEditor, api.Admin, false},
		{auth.RoleIngest, api.Ingest, true},
		{auth.RoleIngest, api.Read, false},
		{auth.RoleAdmin, api.Admin, true},
	}
	for _, tt := range tests {
		if got := tt.role.Allows(tt.perm); got != tt.want {
			t.Errorf("%s allows %s = %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
}
