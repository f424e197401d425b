package dora

import (
	"testing"
	"time"
)

// TestBandBoundaries pins each threshold from both sides.
func TestBandBoundaries(t *testing.T) {
	ms := time.Millisecond
	durations := []struct {
		name string
		fn   func(time.Duration) Band
		d    time.Duration
		want Band
	}{
		{"lead", LeadTimeBand, 0, Elite},
		{"lead", LeadTimeBand, day - ms, Elite},
		{"lead", LeadTimeBand, day, High},
		{"lead", LeadTimeBand, week - ms, High},
		{"lead", LeadTimeBand, week, Medium},
		{"lead", LeadTimeBand, 30*day - ms, Medium},
		{"lead", LeadTimeBand, 30 * day, Low},
		{"lead", LeadTimeBand, 400 * day, Low},
		{"recovery", RecoveryBand, time.Hour - ms, Elite},
		{"recovery", RecoveryBand, time.Hour, High},
		{"recovery", RecoveryBand, day - ms, High},
		{"recovery", RecoveryBand, day, Medium},
		{"recovery", RecoveryBand, week - ms, Medium},
		{"recovery", RecoveryBand, week, Low},
	}
	for _, tt := range durations {
		if got := tt.fn(tt.d); got != tt.want {
			t.Errorf("%s band of %s = %s, want %s", tt.name, tt.d, got, tt.want)
		}
	}
	rates := []struct {
		percent float64
		want    Band
	}{
		{0, Elite}, {5, Elite}, {5.01, High}, {10, High}, {10.01, Medium}, {20, Medium}, {20.01, Low}, {100, Low},
	}
	for _, tt := range rates {
		if got := FailureRateBand(tt.percent); got != tt.want {
			t.Errorf("failure rate band of %v%% = %s, want %s", tt.percent, got, tt.want)
		}
	}
	frequencies := []struct {
		median, perMonth float64
		want             Band
	}{
		{7, 30, Elite},
		{6.99, 30, High},
		{1, 4.3, High},
		{0.99, 4, Medium},
		{0, 1, Medium},
		{0, 0.99, Low},
		{0, 0, Low},
	}
	for _, tt := range frequencies {
		if got := FrequencyBand(tt.median, tt.perMonth); got != tt.want {
			t.Errorf("frequency band of median %v a week, %v a month = %s, want %s", tt.median, tt.perMonth, got, tt.want)
		}
	}
}
