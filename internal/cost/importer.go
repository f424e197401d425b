package cost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/paved-dev/paved/internal/cost/focus"
)

// ImportOptions tune one import.
type ImportOptions struct {
	// SkipInvalid imports the readable rows and records the rejected
	// ones instead of failing the whole import.
	SkipInvalid bool
	// ImportedBy names who ran it (a token name, a user).
	ImportedBy string
	// Now is when the import runs; charges starting more than a day
	// after it are from the future and rejected.
	Now time.Time
}

// Import is the record of one import and the summary printed after it.
type Import struct {
	ID           string    `json:"id"`
	File         string    `json:"file"`
	Checksum     string    `json:"checksum"`
	FOCUSVersion string    `json:"focus_version"`
	ImportedBy   string    `json:"imported_by"`
	ImportedAt   time.Time `json:"imported_at"`
	RowsRead     int       `json:"rows_read"`
	RowsImported int       `json:"rows_imported"`
	RowsRejected int       `json:"rows_rejected"`
	// RejectedLines are the file lines of the first 1,000 rejected rows;
	// Rejections says why for the first 20.
	RejectedLines []int    `json:"rejected_lines"`
	Rejections    []string `json:"rejections,omitempty"`
	// Totals are BilledCost, EffectiveCost and ListCost per currency of
	// the imported rows.
	Totals map[string]Totals `json:"totals"`
	// Periods are the billing periods this import now owns.
	Periods []Period `json:"periods"`
	// Normalised counts what was accepted but not as the spec writes it.
	Normalised map[string]int `json:"normalised"`
	// Warnings about the file that did not stop it (missing optional
	// FOCUS columns, unknown columns, unparseable tags).
	Warnings []string `json:"warnings,omitempty"`
	// Replaced lists the imports whose billing periods this one took over.
	Replaced []string `json:"replaced"`
	// Coverage is the allocated share of EffectiveCost per currency.
	Coverage map[string]float64 `json:"coverage"`
}

// Totals are the three costs FOCUS defines.
type Totals struct {
	Billed    float64 `json:"billed_cost"`
	Effective float64 `json:"effective_cost"`
	List      float64 `json:"list_cost"`
}

func (t *Totals) add(b, e, l float64) { t.Billed += b; t.Effective += e; t.List += l }

// Period is one billing period of one provider's billing account.
type Period struct {
	Provider       string `json:"provider"`
	BillingAccount string `json:"billing_account"`
	Period         string `json:"period"` // YYYY-MM of BillingPeriodStart
}

// maxRejectedLines bounds what an import record keeps of rejected rows.
const maxRejectedLines = 1000

// ErrNoRows is returned for a file with a header and no charges.
var ErrNoRows = errors.New("no billing rows")

// RowRejectedError is an import refused because of one row: a cost that
// is not a number, a charge from the future. Msg names the file, line
// and column.
type RowRejectedError struct {
	Line int
	Msg  string
}

func (e *RowRejectedError) Error() string {
	return e.Msg + " (nothing was imported; fix the file or use --skip-invalid to import the rest)"
}

// Import reads one FOCUS file, allocates every charge and replaces the
// billing periods it covers, in one transaction. With a row whose costs
// cannot be read it fails, naming the file, line, column and value, and
// writes nothing, unless opts.SkipInvalid.
func (s *Service) Import(ctx context.Context, name string, f focus.File, opts ImportOptions) (Import, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	// The checksum reads the file alongside the import.
	sum := make(chan string, 1)
	go func() {
		h := sha256.New()
		io.Copy(h, io.NewSectionReader(f, 0, f.Size()))
		sum <- hex.EncodeToString(h.Sum(nil))
	}()
	checksum := func() string { return <-sum }

	rd, err := focus.Open(name, f)
	if err != nil {
		checksum()
		return Import{}, err
	}
	imp := Import{File: name, FOCUSVersion: rd.Version(), ImportedBy: opts.ImportedBy, ImportedAt: opts.Now.UTC(),
		Totals: map[string]Totals{}, Normalised: map[string]int{}, RejectedLines: []int{}, Replaced: []string{}}
	parts, err := s.readRows(name, rd, opts)
	if err != nil {
		checksum()
		return Import{}, err
	}
	agg, st, err := mergeRows(&imp, parts)
	if err != nil {
		checksum()
		return Import{}, err
	}
	imp.Checksum = checksum()
	if imp.RowsImported == 0 {
		if imp.RowsRead == 0 {
			return Import{}, fmt.Errorf("%s: %w: the file has a header and no charges", name, ErrNoRows)
		}
		return Import{}, fmt.Errorf("%s: %w: all %d rows were rejected", name, ErrNoRows, imp.RowsRead)
	}
	agg.split()
	imp.Normalised = normalised(st)
	imp.Warnings = warnings(name, st)
	imp.Periods = agg.periods()
	imp.Coverage = agg.coverage()
	imp.ID = newID()
	if imp.Replaced, err = s.store.write(ctx, &imp, agg); err != nil {
		return Import{}, err
	}
	s.afterImport(imp)
	return imp, nil
}

func normalised(st focus.Stats) map[string]int {
	out := map[string]int{}
	add := func(k string, n int) {
		if n > 0 {
			out[k] = n
		}
	}
	add("null_strings", st.NullStrings)
	add("space_datetimes", st.SpaceDatetimes)
	add("tag_keys_trimmed", st.TagKeysTrimmed)
	add("tags_unparseable", st.TagsUnparseable)
	return out
}

func warnings(name string, st focus.Stats) []string {
	var out []string
	if len(st.MissingMandatory) > 0 {
		out = append(out, fmt.Sprintf("%s lacks FOCUS mandatory columns %v; paved does not need them", name, st.MissingMandatory))
	}
	if len(st.UnknownColumns) > 0 {
		out = append(out, fmt.Sprintf("%s has columns FOCUS does not define, kept for allocation rules: %v", name, st.UnknownColumns))
	}
	if st.TagsUnparseable > 0 {
		lines := st.Examples["tags_unparseable"]
		out = append(out, fmt.Sprintf("%d rows had Tags that are not a JSON object (e.g. lines %v); they were allocated without tags", st.TagsUnparseable, lines))
	}
	sort.Strings(out)
	return out
}
