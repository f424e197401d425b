package dora

import (
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/delivery"
)

const dayMs = int64(24 * time.Hour / time.Millisecond)

// FromEvents computes the organisation's, every team's and every
// service's metrics over w from in-memory events, exactly as
// ComputeBreakdown does from the store: only production deployments
// count, and each event belongs to the window by its deployed_at
// (incidents by opened_at).
func FromEvents(w Window, deployments []delivery.Deployment, changes []delivery.Change, incidents []delivery.Incident) Breakdown {
	f := factsFrom(deployments, changes, incidents)
	return breakdown(f, w, nil, nil)
}

// scopeSpec is a scope and the units whose facts it adds up.
type scopeSpec struct {
	scope Scope
	units []int32
}

// result is a finished scope.
type result struct {
	metrics Metrics
	weeks   []Week
}

// compute reports on each scope, in parallel, the largest first.
func compute(f *facts, w Window, scopes []scopeSpec) []Report {
	c := newCalc(w)
	t := c.tabulate(f)
	order := make([]int, len(scopes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return len(scopes[order[i]].units) > len(scopes[order[j]].units) })
	reports := make([]Report, len(scopes))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(scopes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := c.finish(t, scopes[i].units)
				reports[i] = Report{Scope: scopes[i].scope, Window: w.info(), BandSource: BandSource, Metrics: r.metrics, Weeks: r.weeks}
			}
		}()
	}
	for _, i := range order {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return reports
}

// finish adds up a scope's units into metrics and a weekly series.
func (c *calc) finish(t *table, units []int32) result {
	var (
		weeks                                      = make([]Week, c.nweeks)
		deployments, production, failed, unplanned int
		unrecovered, deploymentDays, incidents     int
		unlinked                                   int
		fullWeeks                                  []float64
		allLeads, allRecoveries, leads, recoveries runs
	)
	for i := range c.nweeks {
		start := time.UnixMilli(c.monday).UTC().AddDate(0, 0, 7*i)
		days := int((min(start.Add(week).UnixMilli(), c.to) - max(start.UnixMilli(), c.from)) / dayMs)
		var k counts
		leads, recoveries = leads.reset(), recoveries.reset()
		for _, u := range units {
			b := int(u)*c.nweeks + i
			uk := &t.counts[b]
			k.deployments += uk.deployments
			k.production += uk.production
			k.failed += uk.failed
			k.unplanned += uk.unplanned
			k.unrecovered += uk.unrecovered
			k.days |= uk.days
			leads.add(t.leads.bucket(b))
			recoveries.add(t.recoveries.bucket(b))
		}
		year, num := start.ISOWeek()
		wk := Week{
			Week: isoWeek(year, num), Start: start.Format(DateLayout), Days: days,
			Deployments: int(k.deployments), DeploymentDays: bits.OnesCount8(k.days),
			ProductionDeployments: int(k.production), Failed: int(k.failed), Unplanned: int(k.unplanned),
			Changes: leads.n, Recovered: recoveries.n, Unrecovered: int(k.unrecovered),
		}
		if k.production > 0 {
			wk.ChangeFailureRate = ptr(percent(int(k.failed), int(k.production)))
			wk.ReworkRate = ptr(percent(int(k.unplanned), int(k.production)))
		}
		if leads.n > 0 {
			wk.LeadTimeMedian = ptr(hours(leads.quantile(0.5)))
		}
		if recoveries.n > 0 {
			wk.RecoveryMedian = ptr(hours(recoveries.quantile(0.5)))
		}
		weeks[i] = wk
		if days == 7 {
			fullWeeks = append(fullWeeks, float64(k.deployments))
		}
		deployments += int(k.deployments)
		production += int(k.production)
		failed += int(k.failed)
		unplanned += int(k.unplanned)
		unrecovered += int(k.unrecovered)
		deploymentDays += wk.DeploymentDays
	}
	for _, u := range units {
		allLeads.add(t.unitLeads.bucket(int(u)))
		allRecoveries.add(t.unitRecoveries.bucket(int(u)))
		incidents += int(t.incidents[u])
		unlinked += int(t.unlinked[u])
	}
	var m Metrics
	m.DeploymentFrequency = frequency(deployments, production, deploymentDays, c.w.Days(), fullWeeks)
	m.LeadTime = duration(&allLeads, LeadTimeBand)
	m.RecoveryTime = Recovery{Duration: duration(&allRecoveries, RecoveryBand), Unrecovered: unrecovered}
	m.ChangeFailureRate = FailureRate{Rate: rate(failed, production, true), Incidents: incidents, UnlinkedIncidents: unlinked}
	m.ReworkRate = rate(unplanned, production, false)
	return result{metrics: m, weeks: weeks}
}

func frequency(deployments, production, deploymentDays, days int, fullWeeks []float64) Frequency {
	f := Frequency{Metric: Metric{Unit: UnitPerWeek, SampleSize: deployments, Band: NoData}, FullWeeks: len(fullWeeks), DeploymentDays: deploymentDays}
	if production == 0 {
		return f
	}
	perDay := float64(deployments) / float64(days)
	median := perDay * 7
	if len(fullWeeks) > 0 {
		slices.Sort(fullWeeks)
		median = percentileFloat(fullWeeks, 0.5)
	}
	f.Value, f.PerDay, f.MedianPerWeek = ptr(perDay*7), ptr(perDay), ptr(median)
	f.Band = FrequencyBand(median, perDay*30)
	return f
}

func duration(r *runs, band func(time.Duration) Band) Duration {
	d := Duration{Metric: Metric{Unit: UnitHours, SampleSize: r.n, Band: NoData}}
	if r.n == 0 {
		return d
	}
	median := r.quantile(0.5)
	d.Value = ptr(hours(median))
	d.P75 = ptr(hours(r.quantile(0.75)))
	d.P90 = ptr(hours(r.quantile(0.9)))
	d.Band = band(time.Duration(median * float64(time.Millisecond)))
	return d
}

// reworkNote says why rework rate has no band.
const reworkNote = "the DORA 2024 report introduced rework rate but published no performance levels for it"

func rate(count, of int, banded bool) Rate {
	r := Rate{Metric: Metric{Unit: UnitPercent, SampleSize: of, Band: NoData}, Count: count}
	if of == 0 {
		return r
	}
	p := percent(count, of)
	r.Value = ptr(p)
	if banded {
		r.Band = FailureRateBand(p)
	} else {
		r.Band, r.BandNote = NotBanded, reworkNote
	}
	return r
}

// percentile interpolates linearly between the closest ranks of sorted
// (PERCENTILE_CONT); p is in [0, 1] and sorted is not empty.
func percentile(sorted []int64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return float64(sorted[len(sorted)-1])
	}
	return float64(sorted[lo]) + (pos-float64(lo))*float64(sorted[lo+1]-sorted[lo])
}

func percentileFloat(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo])
}

func percent(n, of int) float64 { return 100 * float64(n) / float64(of) }

func hours(ms float64) float64 { return ms / float64(time.Hour/time.Millisecond) }

func ptr(v float64) *float64 { return &v }

func isoWeek(year, num int) string { return fmt.Sprintf("%04d-W%02d", year, num) }
