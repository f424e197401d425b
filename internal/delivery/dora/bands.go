package dora

import "time"

// Band is how a metric compares with DORA's performance clusters.
type Band string

// Bands, best first. NoData means there was nothing to measure;
// NotBanded means the metric has a value but the source publishes no
// bands for it.
const (
	Elite     Band = "elite"
	High      Band = "high"
	Medium    Band = "medium"
	Low       Band = "low"
	NoData    Band = "no data"
	NotBanded Band = "not banded"
)

// BandSource names the research the bands come from; every report
// carries it so that a reader knows which year's clusters they are
// compared with.
const BandSource = "DORA 2024 (Accelerate State of DevOps Report 2024, software delivery performance levels)"

// The DORA 2024 report's software delivery performance levels (the 2024
// edition of dora.dev/dora-report, tabulated with the medium/high change
// failure rate inversion noted at octopus.com/blog/2024-devops-performance-
// clusters) are:
//
//	level   deployment frequency                  lead time           CFR  recovery
//	elite   on demand (multiple deploys per day)  < one day           5%   < one hour
//	high    once per day to once per week         one day – one week  20%  < one day
//	medium  once per week to once per month       one week – one month 10% < one day
//	low     once per month to once per 6 months   one to six months   40%  one week – one month
//
// Those are descriptions of clusters of survey answers, not thresholds,
// so paved turns each metric's column into thresholds on its own:
//
//   - Lead time: the column's boundaries as they stand (a month is 30 days);
//     beyond six months is still low.
//   - Change failure rate: the 2024 medium cluster reported a lower rate
//     (10%) than the high one (20%). A band on one metric has to get worse
//     as the rate rises, so the four reported rates are ranked and each is
//     the upper bound of the band of its rank: ≤ 5% elite, ≤ 10% high,
//     ≤ 20% medium, above that low (the convention DevLake's benchmarks use).
//   - Recovery time: high and medium both report "less than one day" and
//     low starts at one week, so high is < one day and medium takes the gap
//     the report leaves, one day to one week (as DevLake's benchmarks do).
//   - Deployment frequency: see FrequencyBand.
//   - Rework rate: the 2024 report introduced it but clustered on the four
//     metrics above only, so it has no bands and paved invents none.
const (
	day   = 24 * time.Hour
	week  = 7 * day
	month = 30 * day
)

// LeadTimeBand bands a median change lead time.
func LeadTimeBand(median time.Duration) Band {
	switch {
	case median < day:
		return Elite
	case median < week:
		return High
	case median < month:
		return Medium
	}
	return Low
}

// RecoveryBand bands a median failed deployment recovery time.
func RecoveryBand(median time.Duration) Band {
	switch {
	case median < time.Hour:
		return Elite
	case median < day:
		return High
	case median < week:
		return Medium
	}
	return Low
}

// FailureRateBand bands a change failure rate in percent.
func FailureRateBand(percent float64) Band {
	switch {
	case percent <= 5:
		return Elite
	case percent <= 10:
		return High
	case percent <= 20:
		return Medium
	}
	return Low
}

// FrequencyBand bands deployment frequency from counts, the way Four Keys
// and DevLake do: by the typical week rather than the average, so that one
// busy week does not make a team that otherwise ships monthly look daily.
//
// medianPerWeek is the median number of successful production deployments
// over the full ISO weeks of the window (see Frequency.MedianPerWeek);
// perMonth is the window's average per 30 days.
//
//   - elite, "on demand (multiple deploys per day)": the median week has at
//     least 7 deployments, more than one per working day.
//   - high, "between once per day and once per week": the median week has
//     at least one (Four Keys' "weekly": most weeks deploy).
//   - medium, "between once per week and once per month": fewer weeks than
//     not see a deployment, but there is at least one per 30 days on average.
//   - low: less often than that.
func FrequencyBand(medianPerWeek, perMonth float64) Band {
	switch {
	case medianPerWeek >= 7:
		return Elite
	case medianPerWeek >= 1:
		return High
	case perMonth >= 1:
		return Medium
	}
	return Low
}
