package focus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// File is what Open reads: the whole export, readable from its start
// whatever was read from it before, with its size. *bytes.Reader and
// *strings.Reader satisfy it as they are; wrap an *os.File with OSFile.
// Open reads it through ReadAt only, so the caller may read it
// concurrently (to checksum it, say).
type File interface {
	io.Reader
	io.ReaderAt
	Size() int64
}

// OSFile adapts an open file to File, taking its size from Stat.
func OSFile(f *os.File) (File, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return osFile{f, st.Size()}, nil
}

type osFile struct {
	*os.File
	size int64
}

func (f osFile) Size() int64 { return f.size }

// Row is one charge. The *Row Next returns is reused by the following
// call; copy what you keep. Its strings stay valid after that (they are
// never overwritten). The values callers group by (currency, provider,
// billing and sub-account ids, sub-account name, service name and
// category, charge category) are shared copies, cheap to keep. The other
// strings of a CSV row are cut from one string holding the whole row
// (some 700 bytes): keeping one keeps that alive, so strings.Clone what
// you keep many of (a ResourceId per map entry, say).
type Row struct {
	Line int // 1-based line in the file (CSV); row number + 1 (Parquet)

	BilledCost, EffectiveCost float64
	ListCost                  float64 // 0 when NULL or when the file has no ListCost (see Stats)
	BillingCurrency           string

	ProviderName string // ServiceProviderName (FOCUS 1.3), else ProviderName

	BillingAccountID, BillingAccountName, SubAccountID, SubAccountName string

	ServiceName, ServiceCategory, ChargeCategory, ChargeClass, ChargeDescription string

	ResourceID, ResourceName, ResourceType, RegionID, SkuID string

	// In UTC; ChargePeriodEnd and BillingPeriodEnd are zero when NULL.
	ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd time.Time

	// Tags with keys trimmed of surrounding spaces (case kept) and values
	// as strings (non-string JSON values as their JSON text). nil when the
	// row has none or they were not a JSON object (see Stats). The same map
	// is handed to every row with the same Tags text: never modify it.
	Tags map[string]string

	// Column returns the value of any column of the current row by its
	// name in the file (a FOCUS column, an x_ extension, anything else),
	// "" when NULL or when the file has no such column. It is one map
	// lookup and follows the reader: after the next call to Next it
	// answers for the new row.
	Column func(name string) string
}

// Stats counts what a Reader has read so far and what it accepted only
// after normalising. Examples keys are the Kind* constants.
type Stats struct {
	Format string // "csv", "csv+gzip" or "parquet"

	Rows      int // rows returned without error
	RowErrors int // rows returned as *RowError

	NullStrings       int // cells spelling NULL out (NULL, null): read as absent; empty cells are not counted
	SpaceDatetimes    int // "2024-09-18 22:00:00": a space for the T, no zone; taken as UTC
	ZonelessDatetimes int // "2024-09-18T22:00:00": no zone; taken as UTC
	DateOnlyDatetimes int // "2024-09-18": midnight UTC
	TagKeysTrimmed    int // tag keys with surrounding spaces, trimmed (counted per row)
	TagKeyCollisions  int // trimmed tag keys dropped because the file also had the trimmed key with another value
	TagsUnparseable   int // rows whose Tags were not a JSON object: kept, without tags
	NullListCosts     int // rows with a NULL ListCost, read as 0

	ListCostAbsent   bool     // the file has no ListCost column: every ListCost is 0
	MissingMandatory []string // FOCUS Mandatory columns (of the detected version) the file lacks; paved does not need them
	ExtensionColumns []string // x_ columns, kept and available through Row.Column
	UnknownColumns   []string // columns FOCUS does not define, kept and available through Row.Column

	// Examples are the first five lines of each kind of normalisation.
	Examples map[string][]int
}

// Kinds of normalisation, the keys of Stats.Examples.
const (
	KindNullStrings       = "null_strings"
	KindSpaceDatetimes    = "space_datetimes"
	KindZonelessDatetimes = "zoneless_datetimes"
	KindDateOnlyDatetimes = "date_only_datetimes"
	KindTagKeysTrimmed    = "tag_keys_trimmed"
	KindTagKeyCollisions  = "tag_key_collisions"
	KindTagsUnparseable   = "tags_unparseable"
	KindNullListCosts     = "null_list_costs"
)

type kind int

const (
	kNull kind = iota
	kSpace
	kZoneless
	kDateOnly
	kTrimmed
	kCollision
	kTagsBad
	kNullList
	numKinds
)

var kindNames = [numKinds]string{
	KindNullStrings, KindSpaceDatetimes, KindZonelessDatetimes, KindDateOnlyDatetimes,
	KindTagKeysTrimmed, KindTagKeyCollisions, KindTagsUnparseable, KindNullListCosts,
}

const maxExamples = 5

// The columns Row is made of.
const (
	cBilledCost = iota
	cEffectiveCost
	cListCost
	cBillingCurrency
	cProviderName
	cServiceProviderName
	cBillingAccountID
	cBillingAccountName
	cSubAccountID
	cSubAccountName
	cServiceName
	cServiceCategory
	cChargeCategory
	cChargeClass
	cChargeDescription
	cResourceID
	cResourceName
	cResourceType
	cRegionID
	cSkuID
	cChargePeriodStart
	cChargePeriodEnd
	cBillingPeriodStart
	cBillingPeriodEnd
	cTags
	numRowCols
)

var rowColNames = [numRowCols]string{
	"BilledCost", "EffectiveCost", "ListCost", "BillingCurrency", "ProviderName",
	"ServiceProviderName", "BillingAccountId", "BillingAccountName", "SubAccountId",
	"SubAccountName", "ServiceName", "ServiceCategory", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ResourceId", "ResourceName", "ResourceType", "RegionId", "SkuId",
	"ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd", "Tags",
}

// interned marks the low-cardinality columns whose values are shared:
// those a caller keys its rollups by.
var interned = [numRowCols]bool{
	cBillingCurrency: true, cProviderName: true, cServiceProviderName: true,
	cBillingAccountID: true, cSubAccountID: true, cSubAccountName: true,
	cServiceName: true, cServiceCategory: true, cChargeCategory: true,
}

// cellKind says how a Parquet cell is held in a record.
type cellKind uint8

const (
	cellString cellKind = iota
	cellNumber
	cellTime
)

// record is one row as a source hands it over: the raw cells by column,
// and for Parquet the typed values that need no parsing.
type record struct {
	line   int
	fields []string
	esc    escSet     // CSV: the quoted fields still holding "" escapes
	kinds  []cellKind // nil for CSV
	nums   []float64
	times  []time.Time
}

func (rec *record) cell(i int) string {
	if rec.esc.has(i) {
		return unescape(rec.fields[i])
	}
	if rec.kinds != nil {
		switch rec.kinds[i] {
		case cellNumber:
			return strconv.FormatFloat(rec.nums[i], 'g', -1, 64)
		case cellTime:
			return rec.times[i].Format(time.RFC3339Nano)
		}
	}
	return rec.fields[i]
}

// source is a file format: it hands over records one by one. next
// returns io.EOF at the end, a *RowError (File unset) for a record it
// could not split into cells, and any other error for a file it cannot
// read on.
type source interface {
	next() (*record, error)
	close() error
}

// Reader reads the rows of one FOCUS export, one at a time.
type Reader struct {
	name    string
	src     source
	header  []string
	index   map[string]int
	version string
	csv     bool // cells may spell NULL out

	// file and dataStart (the offset of the first record) are kept for
	// Split; file is nil when the rows cannot be split (gzip, Parquet).
	file      File
	dataStart int64

	ci   [numRowCols]int // index of each Row column in the record, -1 when absent
	in   [numRowCols]interner
	tc   [4]timeCache // ChargePeriodStart … BillingPeriodEnd
	tags tagCache

	rec  *record
	row  Row
	last int // line of the last record read
	err  error

	st Stats
	ex [numKinds][]int
}

// timeCache remembers parsed datetimes of one column. Charges are
// hourly or daily, so a table indexed by day and hour holds nearly every
// value of a month.
type timeCache struct {
	slots [timeSlots]cachedTime
}

type cachedTime struct {
	s    string
	t    time.Time
	form timeForm
}

const timeSlots = 1024

func timeSlot(s string) int {
	if len(s) < 13 {
		return len(s) % timeSlots
	}
	day := int(s[8]-'0')*10 + int(s[9]-'0')
	hour := int(s[11]-'0')*10 + int(s[12]-'0')
	return (day*24 + hour + int(s[6])*744) & (timeSlots - 1)
}

const bufSize = 256 << 10

// Open reads the header of a FOCUS export and returns a Reader for its
// rows. The format is taken from the content, not the name: gzip (then
// looked into again), Parquet, else CSV with comma delimiters, or
// semicolons or tabs when the header line has those and no comma. A
// UTF-8 byte order mark is skipped.
//
// Open fails with a *HeaderError when the file lacks a column paved
// cannot do without (BilledCost, EffectiveCost, BillingCurrency,
// ChargePeriodStart, BillingPeriodStart, ProviderName or
// ServiceProviderName, BillingAccountId) or names a column twice. Other
// Mandatory columns the file lacks are only reported in
// Stats.MissingMandatory. A header with no rows is not an error: the
// first Next returns io.EOF.
func Open(name string, f File) (*Reader, error) {
	size := f.Size()
	br := bufio.NewReaderSize(io.NewSectionReader(f, 0, size), bufSize)
	magic, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return nil, &FileError{File: name, Err: err}
	}
	r := &Reader{name: name}
	switch {
	case len(magic) == 0:
		return nil, &HeaderError{File: name, Msg: "the file is empty: a FOCUS export starts with a header line"}
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &FileError{File: name, Err: gzipErr(err)}
		}
		zbr := bufio.NewReaderSize(zr, bufSize)
		inner, err := zbr.Peek(4)
		if err != nil && err != io.EOF {
			return nil, &FileError{File: name, Err: gzipErr(err)}
		}
		if bytes.HasPrefix(inner, []byte("PAR1")) {
			return nil, &HeaderError{File: name, Msg: "this is gzip-compressed Parquet; Parquet compresses its own pages: decompress the file and import the .parquet"}
		}
		if len(inner) == 0 {
			return nil, &HeaderError{File: name, Msg: "the gzip stream is empty: a FOCUS export starts with a header line"}
		}
		r.st.Format = "csv+gzip"
		if err := r.openCSV(zbr, true); err != nil {
			return nil, err
		}
	case bytes.Equal(magic, []byte("PAR1")):
		r.st.Format = "parquet"
		if err := r.openParquet(f, size); err != nil {
			return nil, err
		}
	default:
		r.st.Format = "csv"
		if err := r.openCSV(br, false); err != nil {
			return nil, err
		}
		r.file = f
	}
	if err := r.checkHeader(); err != nil {
		r.src.close()
		return nil, err
	}
	r.row.Column = r.column
	return r, nil
}

// gzipErr explains the errors a damaged gzip stream gives.
func gzipErr(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the gzip stream ends early: the file is truncated (%w)", err)
	case errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("the gzip stream is corrupt: %w", err)
	case errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("the gzip stream is corrupt: %w", err)
	}
	return err
}

// checkHeader indexes the columns, detects the version and refuses a
// header paved cannot import.
func (r *Reader) checkHeader() error {
	r.index = make(map[string]int, len(r.header))
	var dups []string
	for i, h := range r.header {
		if h == "" {
			continue
		}
		if _, dup := r.index[h]; dup {
			dups = append(dups, h)
			continue
		}
		r.index[h] = i
	}
	has := func(c string) bool { _, ok := r.index[c]; return ok }
	r.version = detectVersion(has)
	for c := range r.ci {
		r.ci[c] = -1
		if i, ok := r.index[rowColNames[c]]; ok {
			r.ci[c] = i
		}
	}

	var missing []string
	for _, c := range required {
		if c == "ProviderName" && has("ServiceProviderName") {
			continue
		}
		if !has(c) {
			if c == "ProviderName" && r.version == "1.3" {
				c = "ServiceProviderName"
			}
			missing = append(missing, c)
		}
	}
	for _, c := range mandatoryFor(r.version) {
		if !has(c) && !contains(missing, c) {
			r.st.MissingMandatory = append(r.st.MissingMandatory, c)
		}
	}
	r.st.ListCostAbsent = !has("ListCost")
	unnamed := 0
	for _, h := range r.header {
		switch {
		case h == "":
			unnamed++
		case strings.HasPrefix(h, "x_"):
			r.st.ExtensionColumns = append(r.st.ExtensionColumns, h)
		case !focusColumns[h]:
			if !contains(r.st.UnknownColumns, h) {
				r.st.UnknownColumns = append(r.st.UnknownColumns, h)
			}
		}
	}
	if unnamed > 0 {
		r.st.UnknownColumns = append(r.st.UnknownColumns, fmt.Sprintf("(%d unnamed)", unnamed))
	}
	if len(missing) == 0 && len(dups) == 0 {
		return nil
	}
	he := &HeaderError{File: r.name, Version: r.version, Missing: missing, Duplicates: dups}
	if len(missing) > 0 {
		he.MissingMandatory = r.st.MissingMandatory
		he.Msg = r.headerHint(missing)
	}
	return he
}

// headerHint explains the usual reasons for missing columns.
func (r *Reader) headerHint(missing []string) string {
	var hints []string
	for _, m := range missing {
		for _, h := range r.header {
			if h != m && strings.EqualFold(h, m) {
				hints = append(hints, fmt.Sprintf("column %q should be spelled %q", h, m))
			}
		}
	}
	for _, old := range preFOCUS10 {
		if _, ok := r.index[old]; ok {
			hints = append(hints, "the columns look like FOCUS 0.5 or 1.0-preview; paved reads FOCUS 1.0 to 1.3: export with a newer FOCUS version")
			break
		}
	}
	known := 0
	for _, h := range r.header {
		if focusColumns[h] {
			known++
		}
	}
	if known == 0 && len(hints) == 0 {
		hints = append(hints, fmt.Sprintf("none of its %d columns is a FOCUS column: is this a FOCUS export (and, for CSV, comma-, semicolon- or tab-separated)?", len(r.header)))
	}
	return strings.Join(hints, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Version is the FOCUS version the columns say the file follows: "1.3"
// when it has any column 1.3 introduced (ServiceProviderName,
// HostProviderName, the Allocated* columns, ContractApplied), "1.2" for
// any 1.2 column (BillingAccountType, SubAccountType, InvoiceId, the
// PricingCurrency* columns), "1.1" for any 1.1 column
// (CapacityReservationId/Status, CommitmentDiscountQuantity/Unit,
// ServiceSubcategory, SkuMeter, SkuPriceDetails), else "1.0".
func (r *Reader) Version() string { return r.version }

// Columns are the column names of the file, in order.
func (r *Reader) Columns() []string { return r.header }

// Stats returns the counts so far; the slices and map are copies.
func (r *Reader) Stats() Stats {
	st := r.st
	st.MissingMandatory = append([]string(nil), st.MissingMandatory...)
	st.ExtensionColumns = append([]string(nil), st.ExtensionColumns...)
	st.UnknownColumns = append([]string(nil), st.UnknownColumns...)
	st.Examples = map[string][]int{}
	for k, lines := range r.ex {
		if len(lines) > 0 {
			st.Examples[kindNames[k]] = append([]int(nil), lines...)
		}
	}
	return st
}

// Close releases what the reader holds; it does not close the File.
func (r *Reader) Close() error { return r.src.close() }

func (r *Reader) column(name string) string {
	i, ok := r.index[name]
	if !ok || r.rec == nil {
		return ""
	}
	return r.rec.cell(i)
}

func (r *Reader) note(k kind, line int) {
	ex := r.ex[k]
	if len(ex) < maxExamples && (len(ex) == 0 || ex[len(ex)-1] != line) {
		r.ex[k] = append(ex, line)
	}
}

// Next returns the next row, or io.EOF after the last. A *RowError is a
// row that cannot be used; the call after it reads the next row. Any
// other error (a *FileError) means the file cannot be read further and
// is returned again by every later call. The returned *Row is reused by
// the next call.
func (r *Reader) Next() (*Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.src.next()
	if err != nil {
		var re *RowError
		switch {
		case err == io.EOF, err == ErrMisaligned:
			r.err = err
		case errors.As(err, &re):
			re.File = r.name
			r.last = re.Line
			r.st.RowErrors++
			return nil, re
		default:
			var fe *FileError
			if !errors.As(err, &fe) {
				err = &FileError{File: r.name, Line: r.last, Err: gzipErr(err)}
			}
			r.err = err
		}
		r.rec = nil
		return nil, r.err
	}
	r.rec = rec
	r.last = rec.line
	row, re := r.build(rec)
	if re != nil {
		re.File = r.name
		r.st.RowErrors++
		return nil, re
	}
	r.st.Rows++
	return row, nil
}

// build fills the Row from a record.
func (r *Reader) build(rec *record) (*Row, *RowError) {
	row := &r.row
	row.Line = rec.line
	f := rec.fields
	if r.csv {
		nulls := 0
		for i, s := range f {
			if len(s) == 4 && isNullLiteral(s) {
				f[i] = ""
				nulls++
			}
		}
		if nulls > 0 {
			r.st.NullStrings += nulls
			r.note(kNull, rec.line)
		}
	}

	var re *RowError
	if row.BilledCost, re = r.cost(rec, cBilledCost); re != nil {
		return nil, re
	}
	if row.EffectiveCost, re = r.cost(rec, cEffectiveCost); re != nil {
		return nil, re
	}
	if row.ListCost, re = r.cost(rec, cListCost); re != nil {
		return nil, re
	}
	if row.BillingCurrency = r.str(rec, cBillingCurrency); row.BillingCurrency == "" {
		return nil, r.rowErr(rec, cBillingCurrency, "is empty: a cost needs its currency")
	}
	if row.ChargePeriodStart, re = r.time(rec, cChargePeriodStart, true); re != nil {
		return nil, re
	}
	if row.ChargePeriodEnd, re = r.time(rec, cChargePeriodEnd, false); re != nil {
		return nil, re
	}
	if row.BillingPeriodStart, re = r.time(rec, cBillingPeriodStart, true); re != nil {
		return nil, re
	}
	if row.BillingPeriodEnd, re = r.time(rec, cBillingPeriodEnd, false); re != nil {
		return nil, re
	}

	row.ProviderName = r.str(rec, cServiceProviderName)
	if row.ProviderName == "" {
		row.ProviderName = r.str(rec, cProviderName)
	}
	row.BillingAccountID = r.str(rec, cBillingAccountID)
	row.BillingAccountName = r.str(rec, cBillingAccountName)
	row.SubAccountID = r.str(rec, cSubAccountID)
	row.SubAccountName = r.str(rec, cSubAccountName)
	row.ServiceName = r.str(rec, cServiceName)
	row.ServiceCategory = r.str(rec, cServiceCategory)
	row.ChargeCategory = r.str(rec, cChargeCategory)
	row.ChargeClass = r.str(rec, cChargeClass)
	row.ChargeDescription = r.str(rec, cChargeDescription)
	row.ResourceID = r.str(rec, cResourceID)
	row.ResourceName = r.str(rec, cResourceName)
	row.ResourceType = r.str(rec, cResourceType)
	row.RegionID = r.str(rec, cRegionID)
	row.SkuID = r.str(rec, cSkuID)

	row.Tags = nil
	if i := r.ci[cTags]; i >= 0 && f[i] != "" {
		ts := r.tags.get(f[i], rec.esc.has(i))
		switch {
		case ts.bad:
			r.st.TagsUnparseable++
			r.note(kTagsBad, rec.line)
		default:
			row.Tags = ts.tags
			if ts.trimmed > 0 {
				r.st.TagKeysTrimmed += ts.trimmed
				r.note(kTrimmed, rec.line)
			}
			if ts.collisions > 0 {
				r.st.TagKeyCollisions += ts.collisions
				r.note(kCollision, rec.line)
			}
		}
	}
	return row, nil
}

func (r *Reader) rowErr(rec *record, c int, msg string) *RowError {
	v := ""
	if i := r.ci[c]; i >= 0 {
		v = cut(rec.cell(i))
	}
	return &RowError{Line: rec.line, Column: rowColNames[c], Value: v, Msg: msg}
}

func (r *Reader) str(rec *record, c int) string {
	i := r.ci[c]
	if i < 0 {
		return ""
	}
	if rec.esc.has(i) {
		return r.in[c].getEscaped(rec.fields[i], interned[c])
	}
	if interned[c] {
		return r.in[c].get(rec.fields[i])
	}
	return rec.fields[i]
}

// cost reads BilledCost, EffectiveCost or ListCost. The first two must
// be numbers; a NULL ListCost is 0, counted.
func (r *Reader) cost(rec *record, c int) (float64, *RowError) {
	i := r.ci[c]
	if i < 0 {
		return 0, nil // only ListCost may be absent
	}
	if rec.kinds != nil && rec.kinds[i] == cellNumber {
		return rec.nums[i], nil
	}
	s := rec.fields[i]
	if rec.esc.has(i) {
		s = unescape(s)
	}
	if s == "" {
		if c == cListCost {
			r.st.NullListCosts++
			r.note(kNullList, rec.line)
			return 0, nil
		}
		return 0, r.rowErr(rec, c, "is empty (NULL): a charge without a cost cannot be allocated")
	}
	v, ok := parseNumber(s)
	if !ok {
		return 0, r.rowErr(rec, c, "is not a number")
	}
	return v, nil
}

// time reads one of the four period bounds; starts are required.
func (r *Reader) time(rec *record, c int, required bool) (time.Time, *RowError) {
	i := r.ci[c]
	if i < 0 {
		return time.Time{}, nil
	}
	if rec.kinds != nil && rec.kinds[i] == cellTime {
		return rec.times[i], nil
	}
	s := rec.fields[i]
	if rec.esc.has(i) {
		s = unescape(s)
	}
	if s == "" {
		if required {
			return time.Time{}, r.rowErr(rec, c, "is empty (NULL): a charge needs its period")
		}
		return time.Time{}, nil
	}
	tc := &r.tc[c-cChargePeriodStart].slots[timeSlot(s)]
	if s != tc.s {
		t, form, ok := parseTime(s)
		if !ok {
			return time.Time{}, r.rowErr(rec, c, "is not a datetime (want e.g. 2024-09-01T00:00:00Z)")
		}
		tc.s, tc.t, tc.form = strings.Clone(s), t, form
	}
	switch tc.form {
	case formSpace:
		r.st.SpaceDatetimes++
		r.note(kSpace, rec.line)
	case formZoneless:
		r.st.ZonelessDatetimes++
		r.note(kZoneless, rec.line)
	case formDateOnly:
		r.st.DateOnlyDatetimes++
		r.note(kDateOnly, rec.line)
	}
	return tc.t, nil
}
