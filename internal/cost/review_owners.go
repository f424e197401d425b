package cost

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/slug"
)

// Suggested owners turn the shadow-IT list into a to-do list: for each
// unowned account or resource, the team most likely to own it and why,
// so that someone can ask that team rather than the whole organisation.
// A suggestion is a lead, never an allocation: spend stays unallocated
// until a tag, the catalog or a rule says otherwise.
//
// Two signals, strongest first:
//
//  1. the account: the team with the most allocated spend in the same
//     provider account (and currency) that month. Shared splits do not
//     count; they say nothing about who works in an account.
//  2. names: a value of a team-like tag (the ownership keys of paved.yaml,
//     or a key such as squad, owner or app), then the resource's name,
//     then its account's name, matched against the catalog's team names,
//     display names and service names after normalising both (lower
//     case, punctuation and dashes dropped): equal, or one a prefix of
//     the other, or the name inside the value. Matches shorter than
//     minNameMatch characters are ignored, the closest match wins (see
//     closest), and two teams matching equally well suggest nobody.

// How a suggestion was found.
const (
	SuggestedByAccount = "account"
	SuggestedByTag     = "tag"
	SuggestedByName    = "name"
)

// minNameMatch is the shortest normalised name or value that may match by
// prefix or substring: shorter ones ("api", "db", "dev") match too much.
const minNameMatch = 4

// teamishKeyWords mark a tag key as naming an owner even when it is not one
// of paved.yaml's ownership keys.
var teamishKeyWords = []string{"team", "owner", "squad", "group", "service", "app", "project", "component", "system", "product"}

// OwnerSuggestion is the team an unallocated account or resource probably
// belongs to, and why.
type OwnerSuggestion struct {
	Team string `json:"team"`
	// Via is account, tag or name.
	Via    string `json:"via"`
	Reason string `json:"reason"`
}

// suggester suggests owners for one month's unallocated spend.
type suggester struct {
	accounts map[accountKey]accountOwner
	names    []catalogName
	// ownershipKeys are paved.yaml's team and service keys, in order.
	ownershipKeys []string
}

type accountKey struct{ provider, account, currency string }

// accountOwner is the team with the most allocated spend in an account.
type accountOwner struct {
	team  string
	share float64
}

// catalogName is a team or service name as names are matched against it.
type catalogName struct {
	compact string // normalised, dashes dropped
	team    string
	service string // "" for a team
}

func (n catalogName) String() string {
	if n.service != "" {
		return "service " + n.service + " of team " + n.team
	}
	return "team " + n.team
}

// newSuggester reads the allocated spend per account of month and the
// catalog's names.
func (s *Service) newSuggester(ctx context.Context, month string) (*suggester, error) {
	sg := &suggester{accounts: map[accountKey]accountOwner{}}
	for _, k := range append(append([]string{}, s.cfg.Ownership.TeamKeys...), s.cfg.Ownership.ServiceKeys...) {
		sg.ownershipKeys = append(sg.ownershipKeys, strings.ToLower(strings.TrimSpace(k)))
	}
	snap := s.catalog.Current()
	for _, t := range snap.Teams {
		sg.addName(t.Name, t.Name, "")
		sg.addName(t.DisplayName, t.Name, "")
	}
	for _, svc := range snap.Services {
		sg.addName(svc.Name, svc.Team, svc.Name)
	}

	rows, err := s.store.db.R.QueryContext(ctx, `SELECT provider, sub_account, currency, team, SUM(effective_cost) FROM cost_monthly
		WHERE month = $1 AND allocation <> '`+Unallocated+`' AND allocation NOT LIKE '`+SharedPrefix+`%' AND sub_account <> ''
		GROUP BY provider, sub_account, currency, team`, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type spend struct {
		total, best float64
		team        string
	}
	byAccount := map[accountKey]*spend{}
	for rows.Next() {
		var k accountKey
		var team string
		var v float64
		if err := rows.Scan(&k.provider, &k.account, &k.currency, &team, &v); err != nil {
			return nil, err
		}
		if v <= 0 {
			continue // credits say nothing about who runs things there
		}
		sp := byAccount[k]
		if sp == nil {
			sp = &spend{}
			byAccount[k] = sp
		}
		sp.total += v
		if v > sp.best || (v == sp.best && team < sp.team) {
			sp.best, sp.team = v, team
		}
	}
	for k, sp := range byAccount {
		sg.accounts[k] = accountOwner{team: sp.team, share: sp.best / sp.total}
	}
	return sg, rows.Err()
}

func (sg *suggester) addName(name, team, service string) {
	c := compactName(name)
	if c == "" {
		return
	}
	sg.names = append(sg.names, catalogName{compact: c, team: team, service: service})
}

// compactName normalises a name or value for matching: "Payments Squad",
// "payments_squad" and "payments-squad" all become "paymentssquad".
func compactName(s string) string {
	return strings.ReplaceAll(slug.Normalize(s), "-", "")
}

// forAccount suggests the owner of an unallocated account.
func (sg *suggester) forAccount(g UnallocatedGroup) *OwnerSuggestion {
	if s := sg.byAccount(g.Provider, g.Account, g.Currency); s != nil {
		return s
	}
	return sg.byName("account name", g.AccountName)
}

// forResource suggests the owner of an unallocated resource in an account
// named accountName.
func (sg *suggester) forResource(d UnallocatedDetail, accountName string) *OwnerSuggestion {
	if s := sg.byAccount(d.Provider, d.Account, d.Currency); s != nil {
		return s
	}
	if s := sg.byTags(d.Tags); s != nil {
		return s
	}
	if s := sg.byName("resource name", d.ResourceName); s != nil {
		return s
	}
	return sg.byName("account name", accountName)
}

func (sg *suggester) byAccount(provider, account, currency string) *OwnerSuggestion {
	o, ok := sg.accounts[accountKey{provider, account, currency}]
	if !ok {
		return nil
	}
	return &OwnerSuggestion{Team: o.team, Via: SuggestedByAccount,
		Reason: fmt.Sprintf("owns %s of the allocated %s spend in account %s", percentOf(o.share), currency, account)}
}

// percentOf prints a share (0.8234) as "82.3%".
func percentOf(share float64) string {
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', 1, 64) + "%"
}

// byTags matches the values of team-like tags, paved.yaml's ownership
// keys first and the others in key order.
func (sg *suggester) byTags(tagsJSON string) *OwnerSuggestion {
	var tags map[string]string
	if json.Unmarshal([]byte(tagsJSON), &tags) != nil || len(tags) == 0 {
		return nil
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		if sg.teamish(k) {
			keys = append(keys, k)
		}
	}
	rank := func(k string) int {
		if i := slices.Index(sg.ownershipKeys, strings.ToLower(strings.TrimSpace(k))); i >= 0 {
			return i
		}
		return len(sg.ownershipKeys)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b)) })
	for _, k := range keys {
		if n, exact, ok := sg.closest(tags[k]); ok {
			return &OwnerSuggestion{Team: n.team, Via: SuggestedByTag, Reason: fmt.Sprintf("tag %s=%s %s %s", k, tags[k], matchVerb(exact), n)}
		}
	}
	return nil
}

// teamish reports whether a tag key may name an owner.
func (sg *suggester) teamish(key string) bool {
	k := strings.ToLower(strings.TrimSpace(key))
	if slices.Contains(sg.ownershipKeys, k) {
		return true
	}
	for _, w := range teamishKeyWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

func (sg *suggester) byName(what, name string) *OwnerSuggestion {
	n, exact, ok := sg.closest(name)
	if !ok {
		return nil
	}
	return &OwnerSuggestion{Team: n.team, Via: SuggestedByName, Reason: fmt.Sprintf("%s %q %s %s", what, name, matchVerb(exact), n)}
}

func matchVerb(exact bool) string {
	if exact {
		return "names"
	}
	return "is close to"
}

// closest finds the catalog name a raw value matches best: equal beats a
// prefix either way, which beats the name inside the value; then the name
// closest in length to the value wins (for "payments-api-canary" the
// service payments-api rather than the team payments; for "paym" the team
// rather than payments-api). A tie between two teams is no match.
func (sg *suggester) closest(raw string) (best catalogName, exact, ok bool) {
	v := compactName(raw)
	if len(v) < minNameMatch {
		return best, false, false
	}
	bestScore, bestGap, ambiguous := 0, 0, false
	for _, n := range sg.names {
		score := 0
		switch {
		case v == n.compact:
			score = 3
		case len(n.compact) < minNameMatch:
		case strings.HasPrefix(v, n.compact) || strings.HasPrefix(n.compact, v):
			score = 2
		case strings.Contains(v, n.compact):
			score = 1
		}
		if score == 0 {
			continue
		}
		gap := abs(len(v) - len(n.compact))
		switch {
		case score > bestScore || (score == bestScore && gap < bestGap):
			best, bestScore, bestGap, ambiguous = n, score, gap, false
		case score == bestScore && gap == bestGap && n.team != best.team:
			ambiguous = true
		}
	}
	if bestScore == 0 || ambiguous {
		return catalogName{}, false, false
	}
	return best, bestScore == 3, true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
