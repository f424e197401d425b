package cost

import (
	"math"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// seriesOf builds a team series over from..to: each part (service name
// and charge category) has its daily cost from f.
// All of it is billed to one account, which reported every day.
func seriesOf(from, to string, parts map[driverKey]func(d time.Time) float64) (*costSeries, accountDays) {
	cs := &costSeries{team: "payments", currency: "USD"}
	covered := map[string]bool{}
	start, _ := time.Parse(dayLayout, from)
	end, _ := time.Parse(dayLayout, to)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		day := d.Format(dayLayout)
		covered[day] = true
		for k, f := range parts {
			if v := f(d); v != 0 {
				cs.add(day, testAccount, k, v)
			}
		}
	}
	return cs, accountDays{testAccount: covered}
}

const testAccount = "AWS/acct"

var (
	ec2     = driverKey{"Amazon EC2", "Usage"}
	s3      = driverKey{"Amazon S3", "Usage"}
	credits = driverKey{"Amazon EC2", "Credit"}
)

func on(day string, v float64, otherwise float64) func(time.Time) float64 {
	return func(d time.Time) float64 {
		if d.Format(dayLayout) == day {
			return v
		}
		return otherwise
	}
}

// wiggle is spend that moves a little every day, like real spend.
func wiggle(base float64) func(time.Time) float64 {
	return func(d time.Time) float64 { return base + float64(d.Day()%5) }
}

func TestDetect(t *testing.T) {
	p := config.Anomaly{}
	tests := []struct {
		name        string
		parts       map[driverKey]func(time.Time) float64
		day         string
		want        int
		direction   string
		firstDriver driverKey
	}{
		{name: "planted spike", parts: map[driverKey]func(time.Time) float64{
			ec2: func(d time.Time) float64 { return on("2026-11-20", 900, 0)(d) + wiggle(100)(d) },
			s3:  wiggle(20),
		}, day: "2026-11-20", want: 1, direction: Spike, firstDriver: ec2},
		{name: "ordinary day", parts: map[driverKey]func(time.Time) float64{ec2: wiggle(100), s3: wiggle(20)},
			day: "2026-11-20", want: 0},
		{name: "flat series: a small move is not an anomaly", parts: map[driverKey]func(time.Time) float64{
			ec2: on("2026-11-20", 1030, 1000),
		}, day: "2026-11-20", want: 0},
		{name: "flat series: a large move is", parts: map[driverKey]func(time.Time) float64{
			ec2: on("2026-11-20", 1400, 1000),
		}, day: "2026-11-20", want: 1, direction: Spike, firstDriver: ec2},
		{name: "pennies: far outside the band, below min_impact", parts: map[driverKey]func(time.Time) float64{
			ec2: on("2026-11-20", 20, 0.01),
		}, day: "2026-11-20", want: 0},
		{name: "credit dip", parts: map[driverKey]func(time.Time) float64{
			ec2:     wiggle(300),
			credits: on("2026-11-20", -250, 0),
		}, day: "2026-11-20", want: 1, direction: Dip, firstDriver: credits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, covered := seriesOf("2026-10-01", "2026-11-20", tt.parts)
			got := detect(cs, []string{tt.day}, covered, p)
			if len(got) != tt.want {
				t.Fatalf("anomalies = %+v, want %d", got, tt.want)
			}
			if tt.want == 0 {
				return
			}
			a := got[0]
			if a.Direction != tt.direction || a.Day != tt.day || a.Team != "payments" || a.Currency != "USD" {
				t.Errorf("anomaly = %+v", a)
			}
			if a.Actual >= a.Lower && a.Actual <= a.Upper {
				t.Errorf("actual %v inside its band [%v, %v]", a.Actual, a.Lower, a.Upper)
			}
			if !closeTo(a.Impact, a.Actual-a.Expected) || math.Abs(a.Impact) < config.DefaultMinImpact {
				t.Errorf("impact %v of %v vs %v", a.Impact, a.Actual, a.Expected)
			}
			if len(a.Drivers) == 0 || (driverKey{a.Drivers[0].ServiceName, a.Drivers[0].ChargeCategory}) != tt.firstDriver {
				t.Errorf("drivers = %+v, want %v first", a.Drivers, tt.firstDriver)
			}
		})
	}
}

// TestDetectWaitsForEveryAccount checks that a day is judged only once
// every billing account the series spends in has reported it, and that a
// reported day without the series' spend counts as zero.
func TestDetectWaitsForEveryAccount(t *testing.T) {
	cs, covered := seriesOf("2026-10-01", "2026-11-19", map[driverKey]func(time.Time) float64{ec2: constant(100)})
	start, _ := time.Parse(dayLayout, "2026-10-01")
	other := map[string]bool{}
	for d := start; d.Format(dayLayout) <= "2026-11-19"; d = d.AddDate(0, 0, 1) {
		cs.add(d.Format(dayLayout), "GCP/billing", s3, 50)
		other[d.Format(dayLayout)] = true
	}
	covered["GCP/billing"] = other
	// AWS has reported the 20th, with nothing for this team; GCP has not.
	covered[testAccount]["2026-11-20"] = true
	if got := detect(cs, []string{"2026-11-20"}, covered, config.Anomaly{}); len(got) != 0 {
		t.Errorf("judged a day one account has not reported: %+v", got)
	}
	// Once GCP reports it (with this team's 50), AWS's silence is real.
	cs.add("2026-11-20", "GCP/billing", s3, 50)
	other["2026-11-20"] = true
	got := detect(cs, []string{"2026-11-20"}, covered, config.Anomaly{})
	if len(got) != 1 || got[0].Direction != Dip || got[0].Actual != 50 || got[0].Expected != 150 {
		t.Fatalf("anomalies = %+v, want a dip from 150 to 50", got)
	}
	if d := got[0].Drivers; len(d) != 1 || d[0].ServiceName != "Amazon EC2" || d[0].Change != -100 {
		t.Errorf("drivers = %+v", d)
	}
}

func TestDetectNeedsABaseline(t *testing.T) {
	cs, covered := seriesOf("2026-11-15", "2026-11-20", map[driverKey]func(time.Time) float64{ec2: on("2026-11-20", 5000, 10)})
	if got := detect(cs, []string{"2026-11-20"}, covered, config.Anomaly{}); len(got) != 0 {
		t.Errorf("judged a day against 5 days of history: %+v", got)
	}
}

// TestDetectIgnoresEarlierSpikes checks the robustness the median buys:
// a spike in the baseline neither widens the band nor hides the next one.
func TestDetectIgnoresEarlierSpikes(t *testing.T) {
	cs, covered := seriesOf("2026-10-01", "2026-11-20", map[driverKey]func(time.Time) float64{
		ec2: func(d time.Time) float64 {
			switch d.Format(dayLayout) {
			case "2026-11-10", "2026-11-20":
				return 2000
			}
			return wiggle(100)(d)
		},
	})
	got := detect(cs, []string{"2026-11-10", "2026-11-20"}, covered, config.Anomaly{})
	if len(got) != 2 {
		t.Fatalf("anomalies = %+v, want both spikes", got)
	}
	if got[1].Upper > 150 {
		t.Errorf("the first spike widened the band of the second: upper %v", got[1].Upper)
	}
}

func TestExpectedBand(t *testing.T) {
	tests := []struct {
		name     string
		baseline []float64
		want     band
	}{
		// median 3, deviations 2 1 0 1 2 → MAD 1.
		{"spread", []float64{1, 2, 3, 4, 5}, band{3, 3 - 3.5*madScale, 3 + 3.5*madScale}},
		// MAD 0 is floored at 5% of the median.
		{"flat", []float64{100, 100, 100}, band{100, 100 - 3.5*madScale*5, 100 + 3.5*madScale*5}},
		{"zero", []float64{0, 0, 0}, band{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := expectedBand(tt.baseline, 3.5)
			if !closeTo(got.expected, tt.want.expected) || !closeTo(got.lower, tt.want.lower) || !closeTo(got.upper, tt.want.upper) {
				t.Errorf("band = %+v, want %+v", got, tt.want)
			}
		})
	}
}
