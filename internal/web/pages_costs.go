package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/cost"
)

// The Costs page shows a year of months, the teams with the most spend
// one by one in its charts (the rest as one "other teams" band), and the
// largest movers, unallocated resources and accounts: a page to read,
// not a dump; the JSON API and the CLI list everything.
const (
	trendMonths      = 12
	spendChartTeams  = 8 // one per colour of teamColors
	moversShown      = 10
	unallocatedShown = 25
	accountsShown    = 10
)

// unallocatedTeam is the team column of spend nobody owns.
const unallocatedTeam = "unallocated"

// moneyFigure is a headline amount or share.
type moneyFigure struct {
	Label, Value, Note string
	// Unit follows Value in smaller type: an amount's currency.
	Unit string
	// Class marks the figure for styling (a FinOps band).
	Class string
}

type costsPage struct {
	// Month is the latest month with data; "" before the first import.
	Month    string
	Figures  []moneyFigure
	Spend    []currencySpend
	Coverage template.HTML
	// CoverageBy is the coverage per month and currency, latest first.
	CoverageBy []cost.TrendCoverage
	// Movers compares MoversMonth with MoversPrevious; none when the
	// month before the latest has no data.
	Movers                      []moverRow
	MoversTotal                 int
	MoversMonth, MoversPrevious string
	// MoversThrough is set when MoversMonth is still being billed: both
	// months are then compared up to that day of the month.
	MoversThrough            string
	UnallocatedAccounts      []cost.UnallocatedGroup
	UnallocatedAccountsTotal int
	UnallocatedResources     []unallocatedResource
	LastImport               *cost.Import
	Imports                  int
}

// currencySpend is the spend-by-team chart of one currency with the
// figures it draws.
type currencySpend struct {
	Currency string
	Chart    template.HTML
	Months   []string
	Rows     []spendRow
	Totals   []float64
	Note     string
}

// spendRow is one band of a spend chart: a team, the other teams
// together, or the unallocated spend.
type spendRow struct {
	teamRef
	// Key names the band's colour class in paved.css (key-team-0...).
	Key    string
	Values []float64
	Total  float64
}

type moverRow struct {
	cost.Mover
	Owner teamRef
}

// Up reports whether the team spends more than the month before.
func (m moverRow) Up() bool { return m.Change > 0 }

// unallocatedResource is an unowned resource with what helps find its
// owner: the account's name and the resource's tags.
type unallocatedResource struct {
	cost.UnallocatedDetail
	AccountName string
	TagList     []string
}

func (u *ui) costService() (*cost.Service, error) {
	if u.cost == nil {
		return nil, api.NotFound("costs are not enabled on this server")
	}
	return u.cost, nil
}

func (u *ui) costs(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.costService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	tr, err := svc.Trend(ctx, trendMonths, "")
	if err != nil {
		return fmt.Errorf("reading the cost trend: %w", err)
	}
	var data costsPage
	imps, err := svc.Imports(ctx)
	if err != nil {
		return fmt.Errorf("listing cost imports: %w", err)
	}
	if data.Imports = len(imps); len(imps) > 0 {
		data.LastImport = &imps[0]
	}
	if len(tr.Months) == 0 {
		u.render(w, r, v, http.StatusOK, "costs", "Costs", data)
		return nil
	}
	data.Month = tr.Months[len(tr.Months)-1]
	names := u.teamNames()
	currencies := currenciesBySpend(tr, data.Month)

	data.Figures = costFigures(tr, data.Month, currencies)
	for _, c := range currencies {
		cs, err := spendByTeam(tr, c, names)
		if err != nil {
			return err
		}
		data.Spend = append(data.Spend, cs)
	}
	if data.Coverage, err = coverageChart(tr, currencies); err != nil {
		return fmt.Errorf("drawing the coverage trend: %w", err)
	}
	for i := len(tr.Coverage) - 1; i >= 0; i-- {
		data.CoverageBy = append(data.CoverageBy, tr.Coverage[i])
	}
	data.MoversMonth, data.MoversPrevious, data.MoversTotal = tr.MoversMonth, tr.MoversPrevious, len(tr.Movers)
	if len(tr.MoversThrough) == len("2006-01-02") {
		data.MoversThrough = strings.TrimLeft(tr.MoversThrough[8:], "0")
	}
	for _, m := range tr.Movers[:min(len(tr.Movers), moversShown)] {
		data.Movers = append(data.Movers, moverRow{Mover: m, Owner: refTo(names, m.Team)})
	}

	un, err := svc.Unallocated(ctx, data.Month, unallocatedShown)
	if err != nil {
		return fmt.Errorf("listing unallocated spend: %w", err)
	}
	data.UnallocatedAccountsTotal = len(un.Accounts)
	data.UnallocatedAccounts = un.Accounts[:min(len(un.Accounts), accountsShown)]
	accountNames := map[string]string{}
	for _, a := range un.Accounts {
		accountNames[a.Provider+"\x00"+a.Account] = a.AccountName
	}
	for _, d := range un.Resources {
		data.UnallocatedResources = append(data.UnallocatedResources, unallocatedResource{
			UnallocatedDetail: d, AccountName: accountNames[d.Provider+"\x00"+d.Account], TagList: tagList(d.Tags),
		})
	}
	u.render(w, r, v, http.StatusOK, "costs", "Costs", data)
	return nil
}

// currenciesBySpend lists the trend's currencies, the one with the most
// spend in month first.
func currenciesBySpend(tr cost.Trend, month string) []string {
	spend := map[string]float64{}
	for _, row := range tr.Rows {
		if row.Month == month {
			spend[row.Currency] += row.EffectiveCost
		} else if _, ok := spend[row.Currency]; !ok {
			spend[row.Currency] = 0
		}
	}
	out := make([]string, 0, len(spend))
	for c := range spend {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(spend[b], spend[a]), strings.Compare(a, b)) })
	return out
}

// costFigures are the latest month's headline figures per currency: what
// was spent, how it changed, how much of it is allocated.
func costFigures(tr cost.Trend, month string, currencies []string) []moneyFigure {
	prev := cost.PreviousMonth(month)
	total, before := map[string]float64{}, map[string]float64{}
	hadBefore := map[string]bool{}
	for _, row := range tr.Rows {
		switch row.Month {
		case month:
			total[row.Currency] += row.EffectiveCost
		case prev:
			before[row.Currency] += row.EffectiveCost
			hadBefore[row.Currency] = true
		}
	}
	cov := map[string]cost.TrendCoverage{}
	for _, c := range tr.Coverage {
		if c.Month == month {
			cov[c.Currency] = c
		}
	}
	// A month still being billed compares with the month before up to
	// the same day, not with all of it.
	compared := monthName(prev)
	if tr.PreviousToDate != nil && tr.MoversThrough != "" && month == tr.Months[len(tr.Months)-1] {
		clear(before)
		for c, v := range tr.PreviousToDate {
			before[c] = v
		}
		compared = "1–" + strings.TrimLeft(tr.MoversThrough[8:], "0") + " " + monthName(prev)
	}
	var out []moneyFigure
	for _, c := range currencies {
		spend := moneyFigure{Label: "Spend in " + monthName(month), Value: amount(total[c]), Unit: c}
		if hadBefore[c] && before[c] != 0 {
			pct := (total[c] - before[c]) / math.Abs(before[c])
			spend.Note = changePct(&pct) + " on " + compared
		}
		cv := cov[c]
		out = append(out, spend,
			moneyFigure{Label: "Allocated (" + c + ")", Value: sharePct(cv.Share), Note: bandNote(cv.Band), Class: "band-" + cv.Band},
			moneyFigure{Label: "Unallocated", Value: amount(cv.Unallocated), Unit: c, Note: "spend no team owns"},
		)
	}
	return out
}

// bandNote explains a FinOps maturity band.
func bandNote(band string) string {
	switch band {
	case "run":
		return "run: above 90% allocated"
	case "walk":
		return "walk: 80% to 90% allocated"
	case "crawl":
		return "crawl: below 80% allocated"
	}
	return "no spend to allocate"
}

// spendByTeam draws one currency's spend per month, a band per team: the
// teams with the most spend over the months shown, the others together,
// and the unallocated spend on top.
func spendByTeam(tr cost.Trend, currency string, names map[string]string) (currencySpend, error) {
	cs := currencySpend{Currency: currency, Months: tr.Months, Totals: make([]float64, len(tr.Months))}
	index := make(map[string]int, len(tr.Months))
	for i, m := range tr.Months {
		index[m] = i
	}
	byTeam := map[string][]float64{}
	for _, row := range tr.Rows {
		if row.Currency != currency {
			continue
		}
		vals := byTeam[row.Team]
		if vals == nil {
			vals = make([]float64, len(tr.Months))
			byTeam[row.Team] = vals
		}
		vals[index[row.Month]] += row.EffectiveCost
		cs.Totals[index[row.Month]] += row.EffectiveCost
	}
	sum := func(v []float64) (t float64) {
		for _, x := range v {
			t += x
		}
		return t
	}
	var teams []string
	for t := range byTeam {
		if t != unallocatedTeam {
			teams = append(teams, t)
		}
	}
	slices.SortFunc(teams, func(a, b string) int {
		return cmp.Or(cmp.Compare(sum(byTeam[b]), sum(byTeam[a])), strings.Compare(a, b))
	})
	for i, t := range teams[:min(len(teams), spendChartTeams)] {
		cs.Rows = append(cs.Rows, spendRow{teamRef: refTo(names, t), Key: fmt.Sprintf("team-%d", i), Values: byTeam[t], Total: sum(byTeam[t])})
	}
	if rest := teams[min(len(teams), spendChartTeams):]; len(rest) > 0 {
		other := make([]float64, len(tr.Months))
		for _, t := range rest {
			for i, x := range byTeam[t] {
				other[i] += x
			}
		}
		cs.Rows = append(cs.Rows, spendRow{teamRef: teamRef{Display: fmt.Sprintf("%d other teams", len(rest))}, Key: "other", Values: other, Total: sum(other)})
		cs.Note = fmt.Sprintf("The %d teams with the most %s spend over these months are drawn one by one; the other %d together.", spendChartTeams, currency, len(rest))
	}
	if un, ok := byTeam[unallocatedTeam]; ok {
		cs.Rows = append(cs.Rows, spendRow{teamRef: teamRef{Display: "Unallocated"}, Key: "unallocated", Values: un, Total: sum(un)})
	}
	labels := make([]string, len(tr.Months))
	for i, m := range tr.Months {
		labels[i] = monthName(m)
	}
	ss := make([]moneySeries, len(cs.Rows))
	for i, row := range cs.Rows {
		ss[i] = moneySeries{Name: row.Display, Color: keyColor(row.Key), Values: row.Values}
	}
	var err error
	if cs.Chart, err = moneyBars(fmt.Sprintf("Spend by team per month, %s", currency), labels, ss, stackOptions{Legend: true}); err != nil {
		return cs, fmt.Errorf("drawing the %s spend chart: %w", currency, err)
	}
	return cs, nil
}

// keyColor is the chart colour of a band's key class.
func keyColor(key string) string {
	switch key {
	case "other":
		return colorOtherTeams
	case "unallocated":
		return colorUnallocated
	}
	var i int
	fmt.Sscanf(key, "team-%d", &i)
	return teamColors[i%len(teamColors)]
}

// coverageChart draws each currency's allocated share per month.
func coverageChart(tr cost.Trend, currencies []string) (template.HTML, error) {
	index := make(map[string]int, len(tr.Months))
	for i, m := range tr.Months {
		index[m] = i
	}
	lines := make([]shareLine, len(currencies))
	for i, c := range currencies {
		lines[i] = shareLine{Name: "allocated, " + c, Color: teamColors[i%len(teamColors)], Values: make([]float64, len(tr.Months))}
		for j := range lines[i].Values {
			lines[i].Values[j] = math.NaN()
		}
	}
	for _, cv := range tr.Coverage {
		if i := slices.Index(currencies, cv.Currency); i >= 0 && cv.Band != "n/a" {
			lines[i].Values[index[cv.Month]] = cv.Share
		}
	}
	labels := make([]string, len(tr.Months))
	for i, m := range tr.Months {
		labels[i] = monthName(m)
	}
	return shareLines("Allocated share of spend per month", labels, lines)
}

// tagList turns a resource's tags (a JSON object) into sorted key=value
// strings; tags that are not an object are shown as they are.
func tagList(tags string) []string {
	var m map[string]string
	if err := json.Unmarshal([]byte(tags), &m); err != nil {
		if tags == "" || tags == "{}" {
			return nil
		}
		return []string{tags}
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}
