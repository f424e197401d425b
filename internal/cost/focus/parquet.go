package focus

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// pqKind is how a top-level Parquet column turns into a cell.
type pqKind uint8

const (
	pqString    pqKind = iota // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY text
	pqBool                    // BOOLEAN
	pqInt                     // INT32 / INT64
	pqFloat32                 // FLOAT
	pqDouble                  // DOUBLE
	pqDecimal                 // DECIMAL on any physical type
	pqDate                    // DATE (INT32 days)
	pqTimestamp               // TIMESTAMP (INT64 in ms, µs or ns)
	pqInt96                   // legacy INT96 timestamps
	pqMap                     // MAP of key to a primitive value, rendered as a JSON object
	pqSkip                    // nested shapes paved does not read (lists, structs): ""
)

type pqColumn struct {
	kind      pqKind
	scale     int           // DECIMAL
	unit      time.Duration // TIMESTAMP
	keyLeaf   int           // MAP: leaf column of the keys
	valueLeaf int           // MAP: leaf column of the values
	valueKind pqKind        // MAP: how values render
	valueMax  int           // MAP: definition level of a present value
	keyMax    int           // MAP: definition level of a present key
	isTags    bool
}

// parquetSource reads a Parquet export row by row through parquet-go's
// generic row reader, turning each top-level column into a cell: text as
// a (shared, for repeated values) string, numbers and timestamps as typed
// values formatted only when asked for through Row.Column, MAP columns
// (AWS writes Tags as map<string,string>) as a JSON object.
type parquetSource struct {
	name string
	// groups are the row groups still to read, cur the rows of the one
	// being read; a source from Reader.Split reads some of the file's.
	groups []parquet.RowGroup
	cur    parquet.Rows
	fields []parquet.Field
	rows   []parquet.Row
	n, i   int
	rowNum int
	cols   []pqColumn
	leafTo []int // leaf column index → top-level column
	in     []interner
	tags   *tagCache
	rec    record
	kbuf   []byte // MAP keys of the current column, as JSON strings
	kend   []int  // end of each key in kbuf
	vbuf   []byte // MAP values of the current column, as JSON
	vend   []int  // end of each value in vbuf
	buf    []byte
	eof    bool
}

const parquetBatch = 64

// openParquet reads the schema of a Parquet export.
func (r *Reader) openParquet(f File, size int64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &FileError{File: r.name, Err: fmt.Errorf("reading the Parquet footer: %v", p)}
		}
	}()
	pf, err := parquet.OpenFile(f, size)
	if err != nil {
		return &FileError{File: r.name, Err: fmt.Errorf("reading the Parquet footer: %w", err)}
	}
	schema := pf.Schema()
	fields := schema.Fields()
	s := &parquetSource{name: r.name, tags: &r.tags}
	s.cols = make([]pqColumn, len(fields))
	top := map[string]int{}
	r.header = make([]string, len(fields))
	for i, fl := range fields {
		r.header[i] = fl.Name()
		top[fl.Name()] = i
		s.cols[i] = pqColumnOf(fl)
		s.cols[i].isTags = fl.Name() == "Tags"
	}
	paths := schema.Columns()
	s.leafTo = make([]int, len(paths))
	leaves := make([][]int, len(fields))
	for leaf, path := range paths {
		fi := top[path[0]]
		s.leafTo[leaf] = fi
		leaves[fi] = append(leaves[fi], leaf)
	}
	for fi := range s.cols {
		c := &s.cols[fi]
		if c.kind != pqMap {
			continue
		}
		c.kind = pqSkip
		if len(leaves[fi]) != 2 {
			continue
		}
		kp, vp := paths[leaves[fi][0]], paths[leaves[fi][1]]
		kl, kok := schema.Lookup(kp...)
		vl, vok := schema.Lookup(vp...)
		if !kok || !vok || kp[len(kp)-1] != "key" || vp[len(vp)-1] != "value" || leafKind(kl.Node.Type()) != pqString {
			continue
		}
		vk := leafKind(vl.Node.Type())
		if vk == pqSkip {
			continue
		}
		c.kind, c.keyLeaf, c.valueLeaf, c.valueKind = pqMap, kl.ColumnIndex, vl.ColumnIndex, vk
		c.keyMax, c.valueMax = kl.MaxDefinitionLevel, vl.MaxDefinitionLevel
	}
	s.in = make([]interner, len(fields))
	s.rec.fields = make([]string, len(fields))
	s.rec.kinds = make([]cellKind, len(fields))
	s.rec.nums = make([]float64, len(fields))
	s.rec.times = make([]time.Time, len(fields))
	s.groups = pf.RowGroups()
	s.fields = fields
	s.rows = make([]parquet.Row, parquetBatch)
	r.src = s
	return nil
}

// sub returns a source reading groups, whose first row is row number
// rowsBefore+1 of the file, with its own caches (tags in tags).
func (s *parquetSource) sub(groups []parquet.RowGroup, rowsBefore int, tags *tagCache) *parquetSource {
	c := &parquetSource{name: s.name, groups: groups, fields: s.fields, cols: s.cols, leafTo: s.leafTo, rowNum: rowsBefore, tags: tags}
	c.in = make([]interner, len(s.cols))
	c.rec.fields = make([]string, len(s.cols))
	c.rec.kinds = make([]cellKind, len(s.cols))
	c.rec.nums = make([]float64, len(s.cols))
	c.rec.times = make([]time.Time, len(s.cols))
	c.rows = make([]parquet.Row, parquetBatch)
	return c
}

// pqColumnOf classifies a top-level field.
func pqColumnOf(fl parquet.Field) pqColumn {
	if !fl.Leaf() {
		if lt := fl.Type().LogicalType(); lt != nil {
			if _, ok := lt.Value.(*format.MapType); ok {
				return pqColumn{kind: pqMap}
			}
		}
		// A group holding one repeated key_value group is a map even when
		// the writer did not annotate it.
		if fs := fl.Fields(); len(fs) == 1 && fs[0].Repeated() && !fs[0].Leaf() && len(fs[0].Fields()) == 2 {
			return pqColumn{kind: pqMap}
		}
		return pqColumn{kind: pqSkip}
	}
	if fl.Repeated() {
		return pqColumn{kind: pqSkip}
	}
	t := fl.Type()
	c := pqColumn{kind: leafKind(t)}
	if lt := t.LogicalType(); lt != nil {
		switch v := lt.Value.(type) {
		case *format.DecimalType:
			c.scale = int(v.Scale)
		case *format.TimestampType:
			c.unit = v.Unit.Value.Duration()
		}
	}
	return c
}

// leafKind classifies a primitive type.
func leafKind(t parquet.Type) pqKind {
	if lt := t.LogicalType(); lt != nil {
		switch lt.Value.(type) {
		case *format.DecimalType:
			return pqDecimal
		case *format.DateType:
			return pqDate
		case *format.TimestampType:
			return pqTimestamp
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return pqBool
	case parquet.Int32, parquet.Int64:
		return pqInt
	case parquet.Int96:
		return pqInt96
	case parquet.Float:
		return pqFloat32
	case parquet.Double:
		return pqDouble
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return pqString
	}
	return pqSkip
}

func (s *parquetSource) close() error {
	if s.cur == nil {
		return nil
	}
	err := s.cur.Close()
	s.cur = nil
	return err
}

// readRows fills s.rows from the current row group, moving on to the
// next when one ends; io.EOF after the last.
func (s *parquetSource) readRows() (int, error) {
	for {
		if s.cur == nil {
			if len(s.groups) == 0 {
				return 0, io.EOF
			}
			s.cur = s.groups[0].Rows()
			s.groups = s.groups[1:]
		}
		n, err := s.cur.ReadRows(s.rows)
		if errors.Is(err, io.EOF) {
			s.close()
			err = nil
			if n == 0 {
				continue
			}
		}
		return n, err
	}
}

func (s *parquetSource) next() (rec *record, err error) {
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, fmt.Errorf("reading Parquet row %d: %v", s.rowNum+1, p)
		}
	}()
	if s.i >= s.n {
		if s.eof {
			return nil, io.EOF
		}
		s.n, err = s.readRows()
		s.i = 0
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("reading Parquet rows: %w", err)
			}
			s.eof = true
		}
		if s.n == 0 {
			return nil, io.EOF
		}
	}
	row := s.rows[s.i]
	s.i++
	s.rowNum++
	s.rec.line = s.rowNum
	for i := range s.rec.fields {
		s.rec.fields[i] = ""
		s.rec.kinds[i] = cellString
	}
	mapField := -1
	for _, v := range row {
		fi := s.leafTo[v.Column()]
		c := &s.cols[fi]
		switch c.kind {
		case pqSkip:
		case pqMap:
			if mapField != fi {
				if mapField >= 0 {
					s.flushMap(mapField)
				}
				mapField = fi
				s.resetMap()
			}
			s.mapValue(c, v)
		default:
			if err := s.leaf(fi, c, v); err != nil {
				return nil, &RowError{Line: s.rowNum, Column: s.fieldName(fi), Msg: err.Error()}
			}
		}
	}
	if mapField >= 0 {
		s.flushMap(mapField)
	}
	return &s.rec, nil
}

func (s *parquetSource) fieldName(fi int) string {
	return s.fields[fi].Name()
}

var pow10 = func() (p [23]float64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return
}()

// leaf fills the cell of a primitive top-level column.
func (s *parquetSource) leaf(fi int, c *pqColumn, v parquet.Value) error {
	rec := &s.rec
	if v.IsNull() {
		return nil
	}
	switch c.kind {
	case pqString:
		rec.fields[fi] = s.in[fi].getBytes(v.ByteArray())
	case pqBool:
		rec.fields[fi] = strconv.FormatBool(v.Boolean())
	case pqInt:
		n := v.Int64()
		if v.Kind() == parquet.Int32 {
			n = int64(v.Int32())
		}
		rec.kinds[fi], rec.nums[fi] = cellNumber, float64(n)
		if n > 1<<53 || n < -(1<<53) {
			rec.kinds[fi], rec.fields[fi] = cellString, strconv.FormatInt(n, 10)
		}
	case pqFloat32:
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(v.Float()), 'g', -1, 32), 64)
		return s.number(fi, f)
	case pqDouble:
		return s.number(fi, v.Double())
	case pqDecimal:
		f, err := decimalValue(v, c.scale)
		if err != nil {
			return err
		}
		return s.number(fi, f)
	case pqDate:
		rec.kinds[fi], rec.times[fi] = cellTime, time.Unix(int64(v.Int32())*86400, 0).UTC()
	case pqTimestamp:
		n := v.Int64()
		var t time.Time
		switch c.unit {
		case time.Millisecond:
			t = time.UnixMilli(n)
		case time.Microsecond:
			t = time.UnixMicro(n)
		default:
			t = time.Unix(0, n)
		}
		rec.kinds[fi], rec.times[fi] = cellTime, t.UTC()
	case pqInt96:
		i96 := v.Int96()
		nanos := int64(i96[0]) | int64(i96[1])<<32
		days := int64(i96[2]) - 2440588 // Julian day of 1970-01-01
		rec.kinds[fi], rec.times[fi] = cellTime, time.Unix(days*86400, nanos).UTC()
	}
	return nil
}

func (s *parquetSource) number(fi int, f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		s.rec.fields[fi] = strconv.FormatFloat(f, 'g', -1, 64)
		return nil // the reader refuses it as "not a number" if it is a cost
	}
	s.rec.kinds[fi], s.rec.nums[fi] = cellNumber, f
	return nil
}

// decimalValue turns a DECIMAL into the nearest float64.
func decimalValue(v parquet.Value, scale int) (float64, error) {
	var unscaled *big.Int
	switch v.Kind() {
	case parquet.Int32, parquet.Int64:
		n := v.Int64()
		if v.Kind() == parquet.Int32 {
			n = int64(v.Int32())
		}
		if scale >= 0 && scale < len(pow10) && n <= 1<<53 && n >= -(1<<53) {
			return float64(n) / pow10[scale], nil
		}
		unscaled = big.NewInt(n)
	default:
		b := v.ByteArray()
		unscaled = new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 { // two's complement negative
			unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
		}
	}
	f, _, err := big.ParseFloat(unscaled.String()+"e-"+strconv.Itoa(scale), 10, 64, big.ToNearestEven)
	if err != nil {
		return 0, fmt.Errorf("DECIMAL value cannot be read: %v", err)
	}
	x, _ := f.Float64()
	return x, nil
}

// mapValue collects one key or value of a MAP column, rendered as JSON,
// into flat buffers (no allocation per entry).
func (s *parquetSource) mapValue(c *pqColumn, v parquet.Value) {
	switch v.Column() {
	case c.keyLeaf:
		if v.DefinitionLevel() == c.keyMax {
			s.kbuf = appendJSONString(s.kbuf, v.ByteArray())
			s.kend = append(s.kend, len(s.kbuf))
		}
	case c.valueLeaf:
		if v.DefinitionLevel() < c.keyMax {
			return // the map itself is null or empty
		}
		b := s.vbuf
		switch {
		case v.DefinitionLevel() < c.valueMax || v.IsNull():
			b = append(b, "null"...)
		case c.valueKind == pqString:
			b = appendJSONString(b, v.ByteArray())
		case c.valueKind == pqBool:
			b = strconv.AppendBool(b, v.Boolean())
		case c.valueKind == pqInt && v.Kind() == parquet.Int32:
			b = strconv.AppendInt(b, int64(v.Int32()), 10)
		case c.valueKind == pqInt:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case c.valueKind == pqDouble || c.valueKind == pqFloat32:
			f := v.Double()
			if v.Kind() == parquet.Float {
				f = float64(v.Float())
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendFloat(b, f, 'g', -1, 64)
			}
		default:
			b = appendJSONString(b, []byte(v.String()))
		}
		s.vbuf = b
		s.vend = append(s.vend, len(b))
	}
}

// resetMap forgets the entries collected for the previous MAP column.
func (s *parquetSource) resetMap() {
	s.kbuf, s.kend, s.vbuf, s.vend = s.kbuf[:0], s.kend[:0], s.vbuf[:0], s.vend[:0]
}

// flushMap renders the collected entries of a MAP column as a JSON
// object; Tags go through the tag cache so the text is decoded once.
func (s *parquetSource) flushMap(fi int) {
	if len(s.kend) == 0 {
		return
	}
	b := append(s.buf[:0], '{')
	kstart, vstart := 0, 0
	for i, kend := range s.kend {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s.kbuf[kstart:kend]...)
		kstart = kend
		b = append(b, ':')
		if i < len(s.vend) {
			b = append(b, s.vbuf[vstart:s.vend[i]]...)
			vstart = s.vend[i]
		} else {
			b = append(b, "null"...)
		}
	}
	b = append(b, '}')
	s.buf = b
	if s.cols[fi].isTags {
		s.rec.fields[fi] = s.tags.getBytes(b).key
		return
	}
	s.rec.fields[fi] = s.in[fi].getBytes(b)
}

// appendJSONString appends b as a JSON string.
func appendJSONString(dst, b []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
