package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
)

type teamRow struct {
	catalog.Team
	Services int
}

// onboardForm is the "Onboard a team" form with what was typed and, after
// a rejected submission, what was wrong.
type onboardForm struct {
	Name, DisplayName, Chat, Email string
	Error, Field                   string
}

type teamsPage struct {
	Teams []teamRow
	Form  onboardForm
}

func (u *ui) teams(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.renderTeams(w, r, v, http.StatusOK, onboardForm{})
}

func (u *ui) renderTeams(w http.ResponseWriter, r *http.Request, v *viewer, status int, form onboardForm) error {
	snap := u.cat.Current()
	count := make(map[string]int, len(snap.Teams))
	for _, s := range snap.Services {
		count[s.Team]++
	}
	rows := make([]teamRow, len(snap.Teams))
	for i, t := range snap.Teams {
		rows[i] = teamRow{Team: t, Services: count[t.Name]}
	}
	slices.SortStableFunc(rows, func(a, b teamRow) int {
		return strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName))
	})
	u.render(w, r, v, status, "teams", "Teams", teamsPage{Teams: rows, Form: form})
	return nil
}

// onboard handles the "Onboard a team" form. Onboarding is idempotent, so
// a double submit reports "unchanged" instead of failing.
func (u *ui) onboard(w http.ResponseWriter, r *http.Request, v *viewer) error {
	form := onboardForm{
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Chat:        strings.TrimSpace(r.PostFormValue("chat")),
		Email:       strings.TrimSpace(r.PostFormValue("email")),
	}
	res, err := u.cat.Onboard(r.Context(), catalog.Team{
		Name: form.Name, DisplayName: form.DisplayName,
		Contact: catalog.Contact{Chat: form.Chat, Email: form.Email},
	})
	var e *api.Error
	if errors.As(err, &e) && e.Status < 500 {
		form.Error, form.Field = sentence(e.Message), e.Field
		return u.renderTeams(w, r, v, e.Status, form)
	}
	if err != nil {
		return fmt.Errorf("onboarding team %q: %w", form.Name, err)
	}
	u.log.InfoContext(r.Context(), "team onboarded from the UI", "team", res.Team.Name, "by", v.Name())
	setFlash(w, r, v, onboardNotices(res))
	http.Redirect(w, r, "/teams/"+url.PathEscape(res.Team.Name), http.StatusSeeOther)
	return nil
}

func onboardNotices(res catalog.OnboardResult) []string {
	out := make([]string, 0, len(res.Actions))
	for _, a := range res.Actions {
		msg := fmt.Sprintf("%s %s: %s", a.What, a.Name, a.Change)
		if a.Detail != "" {
			msg += " (" + a.Detail + ")"
		}
		out = append(out, strings.ToUpper(msg[:1])+msg[1:])
	}
	return out
}

// teamEnv is one environment a team's services run in.
type teamEnv struct {
	Name       string
	Production bool
	Services   []string
	Namespaces []string
	Accounts   []string
	accountSet map[string]bool
}

// teamAccount is one cloud account a team's services spend in.
type teamAccount struct {
	catalog.CloudAccount
	Production bool
	Services   []string
}

type teamPage struct {
	Team         catalog.Team
	Services     []catalog.Service
	Environments []teamEnv
	Accounts     []teamAccount
	Production   map[string]bool
	Panels       []renderedPanel
}

func (u *ui) team(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	t, err := u.cat.Team(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	services, err := u.cat.Services(ctx, t.Name)
	if err != nil {
		return err
	}
	envs, err := u.cat.Environments(ctx)
	if err != nil {
		return err
	}
	sortNamespaces(envs, services)
	data := teamPage{Team: t, Services: services, Production: productionSet(envs)}
	data.Environments, data.Accounts = placements(envs, services)
	if data.Panels, err = u.renderPanels(r, t); err != nil {
		return err
	}
	u.render(w, r, v, http.StatusOK, "team", t.DisplayName, data)
	return nil
}

// sortNamespaces orders each service's namespaces by environment, as the
// catalog lists environments (dev, staging, prod), instead of by name.
func sortNamespaces(envs []catalog.Environment, services []catalog.Service) {
	rank := make(map[string]int, len(envs))
	for i, e := range envs {
		rank[e.Name] = i + 1
	}
	for _, s := range services {
		slices.SortStableFunc(s.Namespaces, func(a, b catalog.Namespace) int {
			return cmp.Compare(rank[a.Environment], rank[b.Environment])
		})
	}
}

func productionSet(envs []catalog.Environment) map[string]bool {
	m := make(map[string]bool, len(envs))
	for _, e := range envs {
		m[e.Name] = e.Production
	}
	return m
}

// placements derives where services run from their namespaces and cloud
// accounts: environments in catalog order (production last), then anything
// tied to no environment, and accounts by ID.
func placements(envs []catalog.Environment, services []catalog.Service) ([]teamEnv, []teamAccount) {
	byEnv := map[string]*teamEnv{}
	get := func(name string) *teamEnv {
		if byEnv[name] == nil {
			byEnv[name] = &teamEnv{Name: name, accountSet: map[string]bool{}}
		}
		return byEnv[name]
	}
	accounts := map[string]*teamAccount{}
	var accountIDs []string
	for _, s := range services {
		for _, ns := range s.Namespaces {
			e := get(ns.Environment)
			e.Namespaces = append(e.Namespaces, ns.Name)
			addLast(&e.Services, s.Name)
		}
		for _, a := range s.CloudAccounts {
			e := get(a.Environment)
			if !e.accountSet[a.ID] {
				e.accountSet[a.ID] = true
				e.Accounts = append(e.Accounts, a.ID)
			}
			addLast(&e.Services, s.Name)
			if accounts[a.ID] == nil {
				accounts[a.ID] = &teamAccount{CloudAccount: a}
				accountIDs = append(accountIDs, a.ID)
			}
			addLast(&accounts[a.ID].Services, s.Name)
		}
	}
	prod := productionSet(envs)
	var outEnvs []teamEnv
	for _, e := range envs {
		if te := byEnv[e.Name]; te != nil {
			te.Production = e.Production
			outEnvs = append(outEnvs, *te)
		}
	}
	if te := byEnv[""]; te != nil {
		outEnvs = append(outEnvs, *te)
	}
	slices.Sort(accountIDs)
	outAccounts := make([]teamAccount, len(accountIDs))
	for i, id := range accountIDs {
		outAccounts[i] = *accounts[id]
		outAccounts[i].Production = prod[outAccounts[i].Environment]
	}
	return outEnvs, outAccounts
}

// addLast appends s unless it is already the last entry: services are
// visited one at a time, so that is enough to list each once, in linear
// time even for a team with thousands of services.
func addLast(list *[]string, s string) {
	if n := len(*list); n == 0 || (*list)[n-1] != s {
		*list = append(*list, s)
	}
}
