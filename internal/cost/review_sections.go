package cost

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// The ownership side of the monthly review: the month's anomalies, how
// much of the spend is allocated, and what nobody owns yet.

// reviewAnomalies finds the month's anomalies as the alert check does, up
// to yesterday: the review does not depend on whether the scheduler ran.
func (s *Service) reviewAnomalies(ctx context.Context, rev *Review) error {
	first, last, err := monthBounds(rev.Month)
	if err != nil {
		return err
	}
	now := rev.GeneratedAt
	if yesterday := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, time.UTC); yesterday.Before(last) {
		last = yesterday
	}
	if last.Before(first) {
		return nil
	}
	found, err := s.findAnomalies(ctx, first.Format(dayLayout), last.Format(dayLayout))
	if err != nil {
		return err
	}
	for _, a := range found {
		if rev.Team == "" || a.Team == rev.Team {
			rev.Anomalies = append(rev.Anomalies, a)
		}
	}
	slices.SortFunc(rev.Anomalies, func(a, b Anomaly) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Impact), math.Abs(a.Impact)), strings.Compare(a.Day, b.Day),
			strings.Compare(a.Team, b.Team), strings.Compare(a.Service, b.Service), strings.Compare(a.Currency, b.Currency))
	})
	rev.AnomaliesTotal = len(rev.Anomalies)
	rev.Anomalies = rev.Anomalies[:min(len(rev.Anomalies), reviewAnomaliesShown)]
	return nil
}

// reviewCoverage fills the organisation's coverage, or how a team's
// spend came to be allocated to it.
func (s *Service) reviewCoverage(ctx context.Context, rev *Review) error {
	if rev.Team == "" {
		cov, err := s.Coverage(ctx, rev.Month)
		if err != nil {
			return err
		}
		slices.SortStableFunc(cov.Rows, func(a, b CoverageRow) int {
			return cmp.Or(cmp.Compare(math.Abs(b.Unallocated), math.Abs(a.Unallocated)), cmp.Compare(b.Effective, a.Effective))
		})
		rev.CoverageAccounts = len(cov.Rows)
		cov.Rows = cov.Rows[:min(len(cov.Rows), reviewCoverageShown)]
		rev.Coverage = &cov
		return nil
	}
	rep, err := s.Report(ctx, rev.Month, "allocation", rev.Team)
	if err != nil {
		return err
	}
	rev.Allocation = []AllocationShare{}
	for _, r := range rep.Rows {
		method, rule, _ := strings.Cut(r.Key, ":")
		a := AllocationShare{Method: method, Rule: rule, Currency: r.Currency, EffectiveCost: r.EffectiveCost}
		if t := rep.Totals[r.Currency].Effective; t != 0 {
			a.Share = r.EffectiveCost / t
		}
		rev.Allocation = append(rev.Allocation, a)
	}
	slices.SortStableFunc(rev.Allocation, func(a, b AllocationShare) int { return strings.Compare(a.Currency, b.Currency) })
	return nil
}

// reviewUnallocated lists the unowned accounts and resources with their
// suggested owners; a team review keeps those suggested to the team.
func (s *Service) reviewUnallocated(ctx context.Context, rev *Review) error {
	limit := reviewResourcesShown + 1
	if rev.Team != "" {
		limit = reviewTeamScan
	}
	list, err := s.Unallocated(ctx, rev.Month, limit)
	if err != nil {
		return err
	}
	sg, err := s.newSuggester(ctx, rev.Month)
	if err != nil {
		return err
	}
	out := &rev.Unallocated
	accountNames := map[accountKey]string{}
	for _, a := range list.Accounts {
		accountNames[accountKey{a.Provider, a.Account, a.Currency}] = a.AccountName
	}
	for _, a := range list.Accounts {
		ua := UnallocatedAccount{UnallocatedGroup: a, Suggested: sg.forAccount(a)}
		if rev.Team == "" || (ua.Suggested != nil && ua.Suggested.Team == rev.Team) {
			out.Accounts = append(out.Accounts, ua)
		}
	}
	for _, d := range list.Resources {
		ur := UnallocatedResource{UnallocatedDetail: d, Suggested: sg.forResource(d, accountNames[accountKey{d.Provider, d.Account, d.Currency}])}
		if rev.Team == "" || (ur.Suggested != nil && ur.Suggested.Team == rev.Team) {
			out.Resources = append(out.Resources, ur)
		}
	}
	out.MoreAccounts = len(out.Accounts) > reviewAccountsShown
	out.Accounts = out.Accounts[:min(len(out.Accounts), reviewAccountsShown)]
	out.MoreResources = len(out.Resources) > reviewResourcesShown || (rev.Team != "" && len(list.Resources) == limit)
	out.Resources = out.Resources[:min(len(out.Resources), reviewResourcesShown)]
	return nil
}
