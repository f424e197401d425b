package cost

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// Dimensions a report can group by, and the cost_daily column each reads.
var Dimensions = map[string]string{
	"team":         "team",
	"service":      "service",
	"environment":  "environment",
	"provider":     "provider",
	"account":      "sub_account",
	"service-name": "service_name",
	"category":     "service_category",
	"charge":       "charge_category",
	"allocation":   "allocation",
}

// DimensionNames lists Dimensions in the order help text shows them.
var DimensionNames = []string{"team", "service", "environment", "provider", "account", "service-name", "category", "charge", "allocation"}

// ReportRow is one group of a month's costs in one currency.
type ReportRow struct {
	Key           string  `json:"key"`
	BilledCost    float64 `json:"billed_cost"`
	EffectiveCost float64 `json:"effective_cost"`
	ListCost      float64 `json:"list_cost"`
	Currency      string  `json:"currency"`
}

// Report is a month's costs grouped by one dimension.
type Report struct {
	Month string      `json:"month"`
	By    string      `json:"by"`
	Team  string      `json:"team,omitempty"`
	Rows  []ReportRow `json:"rows"`
	// Totals per currency: never added across currencies.
	Totals map[string]Totals `json:"totals"`
}

// CheckMonth validates a YYYY-MM month.
func CheckMonth(month string) error {
	if _, err := time.Parse("2006-01", month); err != nil {
		return api.Invalid("month", "%q is not a month; use YYYY-MM, e.g. 2024-09", month)
	}
	return nil
}

// Report groups a month's costs by dimension, optionally for one team,
// largest EffectiveCost first.
func (s *Service) Report(ctx context.Context, month, by, team string) (Report, error) {
	if err := CheckMonth(month); err != nil {
		return Report{}, err
	}
	col, ok := Dimensions[by]
	if !ok {
		return Report{}, api.Invalid("by", "%q is not a dimension; use one of %v", by, DimensionNames)
	}
	rep := Report{Month: month, By: by, Team: team, Rows: []ReportRow{}, Totals: map[string]Totals{}}
	q := `SELECT ` + col + `, currency, SUM(billed_cost), SUM(effective_cost), SUM(list_cost) FROM cost_monthly WHERE month = $1`
	args := []any{month}
	if team != "" {
		q += ` AND team = $2`
		args = append(args, team)
	}
	q += ` GROUP BY ` + col + `, currency ORDER BY SUM(effective_cost) DESC, ` + col
	rows, err := s.store.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	for rows.Next() {
		var r ReportRow
		if err := rows.Scan(&r.Key, &r.Currency, &r.BilledCost, &r.EffectiveCost, &r.ListCost); err != nil {
			return rep, err
		}
		if r.Key == "" {
			r.Key = "(none)"
		}
		rep.Rows = append(rep.Rows, r)
		t := rep.Totals[r.Currency]
		t.add(r.BilledCost, r.EffectiveCost, r.ListCost)
		rep.Totals[r.Currency] = t
	}
	return rep, rows.Err()
}

// Coverage is how much of a month's EffectiveCost is allocated, per
// provider and account, with the FinOps maturity band it reaches.
type Coverage struct {
	Month   string        `json:"month"`
	Overall []CoverageRow `json:"overall"`
	Rows    []CoverageRow `json:"rows"`
}

// CoverageRow is one provider and account (or the whole month, per
// currency) with its allocated share.
type CoverageRow struct {
	Provider    string  `json:"provider,omitempty"`
	Account     string  `json:"account,omitempty"`
	Currency    string  `json:"currency"`
	Effective   float64 `json:"effective_cost"`
	Allocated   float64 `json:"allocated_cost"`
	Unallocated float64 `json:"unallocated_cost"`
	Share       float64 `json:"allocated_share"`
	Band        string  `json:"band"`
}

// Band is the FinOps Foundation's maturity for an allocated share of
// spend: run above 90%, walk from 80%, crawl below.
func Band(share float64) string {
	switch {
	case share > 0.90:
		return "run"
	case share >= 0.80:
		return "walk"
	}
	return "crawl"
}

// Coverage reports a month's allocation coverage.
func (s *Service) Coverage(ctx context.Context, month string) (Coverage, error) {
	if err := CheckMonth(month); err != nil {
		return Coverage{}, err
	}
	cov := Coverage{Month: month, Overall: []CoverageRow{}, Rows: []CoverageRow{}}
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT provider, sub_account, currency, SUM(effective_cost),
		SUM(CASE WHEN allocation = 'unallocated' THEN 0 ELSE effective_cost END)
		FROM cost_monthly WHERE month = $1 GROUP BY provider, sub_account, currency
		ORDER BY provider, SUM(effective_cost) DESC, sub_account`, month)
	if err != nil {
		return cov, err
	}
	defer rows.Close()
	overall := map[string]*CoverageRow{}
	var currencies []string
	for rows.Next() {
		var r CoverageRow
		if err := rows.Scan(&r.Provider, &r.Account, &r.Currency, &r.Effective, &r.Allocated); err != nil {
			return cov, err
		}
		r.finish()
		cov.Rows = append(cov.Rows, r)
		o := overall[r.Currency]
		if o == nil {
			o = &CoverageRow{Currency: r.Currency}
			overall[r.Currency] = o
			currencies = append(currencies, r.Currency)
		}
		o.Effective += r.Effective
		o.Allocated += r.Allocated
	}
	for _, c := range currencies {
		o := overall[c]
		o.finish()
		cov.Overall = append(cov.Overall, *o)
	}
	return cov, rows.Err()
}

func (r *CoverageRow) finish() {
	r.Unallocated = r.Effective - r.Allocated
	r.Share = allocatedShare(r.Allocated, r.Unallocated)
	r.Band = Band(r.Share)
	if r.Allocated == 0 && r.Unallocated == 0 {
		r.Band = "n/a" // nothing spent: no share to judge
	}
}

// allocatedShare is the allocated part of spend. Amounts are compared by
// magnitude: credits can make a month's unallocated (or allocated) spend
// net negative, and a share above 100% would say nothing useful.
func allocatedShare(allocated, unallocated float64) float64 {
	a, u := math.Abs(allocated), math.Abs(unallocated)
	if a+u == 0 {
		return 0
	}
	return a / (a + u)
}

// UnallocatedList is a month's unowned spend, largest first: the
// shadow-IT list.
type UnallocatedList struct {
	Month     string              `json:"month"`
	Accounts  []UnallocatedGroup  `json:"accounts"`
	Resources []UnallocatedDetail `json:"resources"`
}

// UnallocatedGroup is an account's unowned spend.
type UnallocatedGroup struct {
	Provider      string  `json:"provider"`
	Account       string  `json:"account"`
	AccountName   string  `json:"account_name"`
	Currency      string  `json:"currency"`
	EffectiveCost float64 `json:"effective_cost"`
	Resources     int     `json:"resources"`
}

// UnallocatedDetail is one unowned resource.
type UnallocatedDetail struct {
	Provider      string  `json:"provider"`
	Account       string  `json:"account"`
	ResourceID    string  `json:"resource_id"`
	ResourceName  string  `json:"resource_name"`
	ServiceName   string  `json:"service_name"`
	Currency      string  `json:"currency"`
	EffectiveCost float64 `json:"effective_cost"`
	BilledCost    float64 `json:"billed_cost"`
	Tags          string  `json:"tags"`
}

// Unallocated lists a month's unowned accounts and resources, largest
// EffectiveCost first (limit resources, 0 for 100).
func (s *Service) Unallocated(ctx context.Context, month string, limit int) (UnallocatedList, error) {
	if err := CheckMonth(month); err != nil {
		return UnallocatedList{}, err
	}
	if limit <= 0 {
		limit = 100
	}
	out := UnallocatedList{Month: month, Accounts: []UnallocatedGroup{}, Resources: []UnallocatedDetail{}}
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT provider, sub_account, MAX(sub_account_name), currency, SUM(effective_cost), COUNT(DISTINCT resource_id)
		FROM cost_unallocated WHERE month = $1 GROUP BY provider, sub_account, currency ORDER BY SUM(effective_cost) DESC, sub_account`, month)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var g UnallocatedGroup
		if err := rows.Scan(&g.Provider, &g.Account, &g.AccountName, &g.Currency, &g.EffectiveCost, &g.Resources); err != nil {
			rows.Close()
			return out, err
		}
		out.Accounts = append(out.Accounts, g)
	}
	rows.Close()
	rows, err = s.store.db.R.QueryContext(ctx, `SELECT provider, sub_account, resource_id, MAX(resource_name), service_name, currency,
		SUM(effective_cost), SUM(billed_cost), MAX(tags)
		FROM cost_unallocated WHERE month = $1 GROUP BY provider, sub_account, resource_id, service_name, currency
		ORDER BY SUM(effective_cost) DESC, resource_id LIMIT `+fmt.Sprint(limit), month)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var d UnallocatedDetail
		if err := rows.Scan(&d.Provider, &d.Account, &d.ResourceID, &d.ResourceName, &d.ServiceName, &d.Currency, &d.EffectiveCost, &d.BilledCost, &d.Tags); err != nil {
			return out, err
		}
		out.Resources = append(out.Resources, d)
	}
	return out, rows.Err()
}

// Imports lists the import records, newest first.
func (s *Service) Imports(ctx context.Context) ([]Import, error) {
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT id, file, checksum, focus_version, imported_by, imported_at, rows_read, rows_imported, rows_rejected,
		rejected_lines, totals, periods, normalised, replaced FROM cost_imports ORDER BY imported_at DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Import{}
	for rows.Next() {
		var imp Import
		var at int64
		var rejected, totals, periods, normalised, replaced string
		if err := rows.Scan(&imp.ID, &imp.File, &imp.Checksum, &imp.FOCUSVersion, &imp.ImportedBy, &at, &imp.RowsRead, &imp.RowsImported, &imp.RowsRejected,
			&rejected, &totals, &periods, &normalised, &replaced); err != nil {
			return nil, err
		}
		imp.ImportedAt = time.UnixMilli(at).UTC()
		for _, f := range []struct {
			src string
			dst any
		}{{rejected, &imp.RejectedLines}, {totals, &imp.Totals}, {periods, &imp.Periods}, {normalised, &imp.Normalised}, {replaced, &imp.Replaced}} {
			if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
				return nil, fmt.Errorf("import %s: %w", imp.ID, err)
			}
		}
		out = append(out, imp)
	}
	return out, rows.Err()
}
