package cli

import (
	"context"
	"fmt"

	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke API tokens"}
	cmd.AddCommand(newTokenCreateCmd(g), newTokenListCmd(g), newTokenRevokeCmd(g))
	return cmd
}

// withTokens opens the store for a token command.
func withTokens(g *globals, cmd *cobra.Command, fn func(s *auth.Store) error) error {
	return g.withStore(cmd, func(ctx context.Context, _ config.Config, db *store.DB) error {
		cmd.SetContext(ctx)
		return fn(auth.NewStore(db))
	})
}

func newTokenCreateCmd(g *globals) *cobra.Command {
	var name, role string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an API token; the secret is printed once",
		Long: `Create an API token. Roles:
  admin   everything, including tokens
  editor  read and change the catalog and settings
  viewer  read only
  ingest  only post events (for CI systems and webhooks)`,
		Args: exactArgs(0, "no arguments (use --name and --role)"),
	}
	format := formatFlag(cmd, "table", "json")
	cmd.Flags().StringVar(&name, "name", "", "who or what uses the token, e.g. github-actions (required)")
	cmd.Flags().StringVar(&role, "role", "viewer", "admin, editor, viewer or ingest")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		r, err := auth.ParseRole(role)
		if err != nil {
			return err
		}
		return withTokens(g, cmd, func(s *auth.Store) error {
			t, secret, err := s.Create(cmd.Context(), name, r)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, auth.CreatedToken{Token: t, Secret: secret})
			}
			fmt.Fprintf(g.stdout, "created token %s (%s, role %s). The secret is shown once; store it now:\n\n    %s\n\n", t.ID, t.Name, t.Role, secret)
			return nil
		})
	}
	return cmd
}

func newTokenListCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List API tokens (never their secrets)", Args: exactArgs(0, "no arguments")}
	format := formatFlag(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return withTokens(g, cmd, func(s *auth.Store) error {
			ts, err := s.List(cmd.Context())
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, auth.TokenList{Tokens: ts})
			}
			rows := [][]string{{"ID", "NAME", "ROLE", "CREATED", "LAST USED", "STATUS"}}
			for _, t := range ts {
				used, status := "never", "active"
				if t.LastUsedAt != nil {
					used = t.LastUsedAt.Format("2006-01-02 15:04")
				}
				if t.RevokedAt != nil {
					status = "revoked " + t.RevokedAt.Format("2006-01-02 15:04")
				}
				rows = append(rows, []string{t.ID, t.Name, string(t.Role), t.CreatedAt.Format("2006-01-02 15:04"), used, status})
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

func newTokenRevokeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token at once (its UI sessions end too)",
		Args:  exactArgs(1, "the token ID (see paved token list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withTokens(g, cmd, func(s *auth.Store) error {
				if err := s.Revoke(cmd.Context(), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "revoked token %s\n", args[0])
				return nil
			})
		},
	}
}
