package cost

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost/focus"
)

// aggregate sums an import's charges into the rows it writes: daily
// rollups by owner and billing dimensions, resource-level detail of what
// is unallocated, and shared charges until they are split. A million
// billing rows become a few thousand rollups, so the import writes little.
type aggregate struct {
	daily       map[dailyKey]*sums
	unallocated map[unallocKey]*unallocSums
	shared      map[sharedKey]*sums
	rules       map[string]*sharedRule
	splits      []split
	periodSet   map[Period]bool
	// Charges of a file fall on a few dozen days: format each once.
	days, months map[int64]string
	lastPeriod   Period
}

type dailyKey struct {
	provider, account, period, day                        string
	team, service, environment, allocation                string
	subAccount, serviceName, serviceCategory, chargeCateg string
	currency                                              string
}

type sums struct {
	billed, effective, list float64
	charges                 int64
}

func (s *sums) add(b, e, l float64) {
	s.billed += b
	s.effective += e
	s.list += l
	s.charges++
}

type unallocKey struct {
	provider, account, period, month, subAccount, resourceID, serviceName, currency string
}

type unallocSums struct {
	sums
	subAccountName, resourceName, tags string
}

type sharedKey struct {
	rule string
	dailyKey
}

// split is how one shared rule divided one month's charges in one
// currency of one billing period.
type split struct {
	Period
	month, rule, method, team, currency string
	share, effective, billed            float64
}

func newAggregate() *aggregate {
	return &aggregate{
		daily: map[dailyKey]*sums{}, unallocated: map[unallocKey]*unallocSums{},
		shared: map[sharedKey]*sums{}, rules: map[string]*sharedRule{}, periodSet: map[Period]bool{},
		days: map[int64]string{}, months: map[int64]string{},
	}
}

// format returns t in layout, remembered in cache by t's second.
func format(cache map[int64]string, t time.Time, layout string) string {
	sec := t.Unix()
	s, ok := cache[sec]
	if !ok {
		s = t.Format(layout)
		cache[sec] = s
	}
	return s
}

func (a *aggregate) baseKey(row *focus.Row) dailyKey {
	k := dailyKey{
		provider: row.ProviderName, account: row.BillingAccountID,
		period: format(a.months, row.BillingPeriodStart, "2006-01"), day: format(a.days, row.ChargePeriodStart, "2006-01-02"),
		subAccount: row.SubAccountID, serviceName: row.ServiceName,
		serviceCategory: row.ServiceCategory, chargeCateg: row.ChargeCategory,
		currency: row.BillingCurrency,
	}
	return k
}

// notePeriod records the billing period of a charge; charges come in
// long runs of one period.
func (a *aggregate) notePeriod(k *dailyKey) {
	if p := (Period{k.provider, k.account, k.period}); p != a.lastPeriod {
		a.periodSet[p] = true
		a.lastPeriod = p
	}
}

func (a *aggregate) add(row *focus.Row, o Owner) {
	k := a.baseKey(row)
	a.notePeriod(&k)
	k.team, k.service, k.environment, k.allocation = o.Team, o.Service, o.Environment, o.Allocation
	if o.Rule != "" {
		k.allocation = ByRule + ":" + o.Rule
	}
	s := a.daily[k]
	if s == nil {
		s = &sums{}
		a.daily[k] = s
	}
	s.add(row.BilledCost, row.EffectiveCost, row.ListCost)
	if o.Allocation != Unallocated {
		return
	}
	uk := unallocKey{provider: k.provider, account: k.account, period: k.period, month: k.day[:7],
		subAccount: k.subAccount, resourceID: row.ResourceID, serviceName: k.serviceName, currency: k.currency}
	u := a.unallocated[uk]
	if u == nil {
		// The reader cuts a row's strings out of one string holding the
		// whole row: clone what is kept, or every kept key pins a row.
		uk.resourceID = strings.Clone(uk.resourceID)
		u = &unallocSums{subAccountName: strings.Clone(row.SubAccountName), resourceName: strings.Clone(row.ResourceName), tags: tagsJSON(row.Tags)}
		a.unallocated[uk] = u
	}
	u.add(row.BilledCost, row.EffectiveCost, row.ListCost)
}

func tagsJSON(tags map[string]string) string {
	if len(tags) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

func (a *aggregate) addShared(r *sharedRule, row *focus.Row) {
	k := sharedKey{rule: r.Name, dailyKey: a.baseKey(row)}
	a.notePeriod(&k.dailyKey)
	a.rules[r.Name] = r
	s := a.shared[k]
	if s == nil {
		s = &sums{}
		a.shared[k] = s
	}
	s.add(row.BilledCost, row.EffectiveCost, row.ListCost)
}

type monthCurrency struct{ month, currency string }

// split turns shared charges into per-team rollups. The shares of a
// month are computed once per rule and currency: proportional to each
// team's direct (tag, account or rule) EffectiveCost that month, even, or
// fixed. The last team takes what rounding leaves, so a split never
// creates or loses a cent. A proportional rule with no direct spend to
// weigh by stays unallocated and says so.
func (a *aggregate) split() {
	direct := map[monthCurrency]map[string]float64{}
	for k, s := range a.daily {
		if k.allocation == Unallocated {
			continue
		}
		mc := monthCurrency{k.day[:7], k.currency}
		if direct[mc] == nil {
			direct[mc] = map[string]float64{}
		}
		direct[mc][k.team] += s.effective
	}
	type ruleMonth struct {
		rule string
		monthCurrency
		Period
	}
	recorded := map[ruleMonth]map[string]*split{}
	keys := make([]sharedKey, 0, len(a.shared))
	for k := range a.shared {
		keys = append(keys, k)
	}
	// Deterministic order: the remainder goes to the same team every run.
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	for _, k := range keys {
		s := a.shared[k]
		r := a.rules[k.rule]
		mc := monthCurrency{k.day[:7], k.currency}
		teams, weights := shares(r, direct[mc])
		if len(teams) == 0 {
			dk := k.dailyKey
			dk.team, dk.allocation = unallocatedTo, Unallocated
			a.addSums(dk, s)
			continue
		}
		rm := ruleMonth{k.rule, mc, Period{k.provider, k.account, k.period}}
		if recorded[rm] == nil {
			recorded[rm] = map[string]*split{}
		}
		var billedLeft, effLeft, listLeft = s.billed, s.effective, s.list
		for i, team := range teams {
			var part sums
			if i == len(teams)-1 {
				// The billing rows are counted once, with the remainder.
				part.billed, part.effective, part.list, part.charges = billedLeft, effLeft, listLeft, s.charges
			} else {
				part.billed, part.effective, part.list = s.billed*weights[i], s.effective*weights[i], s.list*weights[i]
				billedLeft -= part.billed
				effLeft -= part.effective
				listLeft -= part.list
			}
			dk := k.dailyKey
			dk.team, dk.allocation = team, SharedPrefix+k.rule
			a.addSums(dk, &part)
			sp := recorded[rm][team]
			if sp == nil {
				sp = &split{Period: rm.Period, month: mc.month, rule: k.rule, method: r.Method, team: team, currency: mc.currency, share: weights[i]}
				recorded[rm][team] = sp
			}
			sp.effective += part.effective
			sp.billed += part.billed
		}
	}
	for _, byTeam := range recorded {
		for _, sp := range byTeam {
			a.splits = append(a.splits, *sp)
		}
	}
	sort.Slice(a.splits, func(i, j int) bool {
		x, y := a.splits[i], a.splits[j]
		if x.rule != y.rule {
			return x.rule < y.rule
		}
		if x.month != y.month {
			return x.month < y.month
		}
		return x.team < y.team
	})
}

func (a *aggregate) addSums(k dailyKey, s *sums) {
	d := a.daily[k]
	if d == nil {
		d = &sums{}
		a.daily[k] = d
	}
	d.billed += s.billed
	d.effective += s.effective
	d.list += s.list
	d.charges += s.charges
}

// shares returns the teams a shared rule splits across and each one's
// weight (summing to 1), sorted by team.
func shares(r *sharedRule, direct map[string]float64) ([]string, []float64) {
	var teams []string
	switch r.Method {
	case config.SplitFixed:
		for t := range r.Percentages {
			teams = append(teams, t)
		}
		sort.Strings(teams)
		w := make([]float64, len(teams))
		for i, t := range teams {
			w[i] = r.Percentages[t] / 100
		}
		return teams, w
	default:
		if len(r.Teams) > 0 {
			teams = append(teams, r.Teams...)
		} else {
			for t, v := range direct {
				if v != 0 {
					teams = append(teams, t)
				}
			}
		}
		sort.Strings(teams)
	}
	if len(teams) == 0 {
		return nil, nil
	}
	w := make([]float64, len(teams))
	if r.Method == config.SplitEven {
		for i := range w {
			w[i] = 1 / float64(len(teams))
		}
		return teams, w
	}
	total := 0.0
	for _, t := range teams {
		total += direct[t]
	}
	if total <= 0 {
		return nil, nil
	}
	for i, t := range teams {
		w[i] = direct[t] / total
	}
	return teams, w
}

func keyLess(a, b sharedKey) bool {
	x := []string{a.rule, a.day, a.provider, a.account, a.subAccount, a.serviceName, a.serviceCategory, a.chargeCateg, a.currency}
	y := []string{b.rule, b.day, b.provider, b.account, b.subAccount, b.serviceName, b.serviceCategory, b.chargeCateg, b.currency}
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

func (a *aggregate) periods() []Period {
	out := make([]Period, 0, len(a.periodSet))
	for p := range a.periodSet {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Provider != y.Provider {
			return x.Provider < y.Provider
		}
		if x.BillingAccount != y.BillingAccount {
			return x.BillingAccount < y.BillingAccount
		}
		return x.Period < y.Period
	})
	return out
}

// coverage is the allocated share of EffectiveCost per currency.
func (a *aggregate) coverage() map[string]float64 {
	total, allocated := map[string]float64{}, map[string]float64{}
	for k, s := range a.daily {
		total[k.currency] += s.effective
		if k.allocation != Unallocated {
			allocated[k.currency] += s.effective
		}
	}
	out := map[string]float64{}
	for c, t := range total {
		out[c] = allocatedShare(allocated[c], t-allocated[c])
	}
	return out
}
