package cost

// The page rollups an import writes beside the daily ones, and the
// merging of the aggregates of a file read in chunks.

// merge adds what another aggregate of the same import summed (the rows
// of another chunk of the file) into a. Shared charges are split after
// merging, when every team's direct spend is known.
func (a *aggregate) merge(b *aggregate) {
	for k, s := range b.daily {
		a.addSums(k, s)
	}
	for k, s := range b.unallocated {
		if u := a.unallocated[k]; u != nil {
			u.billed += s.billed
			u.effective += s.effective
			u.list += s.list
			u.charges += s.charges
		} else {
			a.unallocated[k] = s
		}
	}
	for k, s := range b.shared {
		if d := a.shared[k]; d != nil {
			d.billed += s.billed
			d.effective += s.effective
			d.list += s.list
			d.charges += s.charges
		} else {
			a.shared[k] = s
		}
	}
	for name, r := range b.rules {
		a.rules[name] = r
	}
	for p := range b.periodSet {
		a.periodSet[p] = true
	}
}

// monthSums are a month's sums of one rollup key and the last day they
// cover.
type monthSums struct {
	sums
	lastDay string
}

// monthly rolls the daily rollups up to months: the same keys, with day
// cut to its month.
func (a *aggregate) monthly() map[dailyKey]*monthSums {
	out := make(map[dailyKey]*monthSums, len(a.daily)/16)
	for k, s := range a.daily {
		day := k.day
		k.day = day[:7]
		m := out[k]
		if m == nil {
			m = &monthSums{}
			out[k] = m
		}
		m.billed += s.billed
		m.effective += s.effective
		m.list += s.list
		m.charges += s.charges
		if day > m.lastDay {
			m.lastDay = day
		}
	}
	return out
}

// teamDaySums are a team's sums of one day and currency, with the part
// of EffectiveCost that is allocated.
type teamDaySums struct {
	billed, effective, list, allocated float64
}

// teamDaily rolls the daily rollups up to each team's day per currency
// and billing period.
func (a *aggregate) teamDaily() map[dailyKey]*teamDaySums {
	out := make(map[dailyKey]*teamDaySums, len(a.daily)/16)
	for k, s := range a.daily {
		tk := dailyKey{provider: k.provider, account: k.account, period: k.period, day: k.day, team: k.team, currency: k.currency}
		t := out[tk]
		if t == nil {
			t = &teamDaySums{}
			out[tk] = t
		}
		t.billed += s.billed
		t.effective += s.effective
		t.list += s.list
		if k.allocation != Unallocated {
			t.allocated += s.effective
		}
	}
	return out
}
