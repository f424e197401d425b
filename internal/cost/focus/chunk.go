package focus

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ErrMisaligned is returned by a reader from Split whose last record runs
// past the start of the next chunk: a quoted field spanning lines hid the
// chunk boundary. The chunks cannot be trusted; read the file from the
// Reader that was split instead.
var ErrMisaligned = errors.New("a chunk boundary fell inside a record")

// minChunk is the smallest chunk worth a core of its own.
var minChunk int64 = 8 << 20 // a variable for the tests

// Split divides the rows of an uncompressed CSV export into at most n
// readers over consecutive byte ranges, so that n cores can read them
// together: every row is read by exactly one of them, and each reports
// the lines, errors and normalisations the Reader itself would have.
// It returns nil when the rows cannot be split (gzip, a CSV under 8 MiB a
// chunk, a Parquet file with fewer than two row groups or under 64k rows
// a chunk, n < 2) or when r has been read from; read with r. Parquet is
// split between row groups.
//
// Each boundary is put just after a line break. A line break inside a
// quoted field would put one inside a record; the reader before it then
// returns ErrMisaligned instead of guessing, so a split read is either
// exactly the sequential read or refused. Splitting reads the file's
// line breaks before each boundary once (to number lines), a few tens of
// milliseconds per gigabyte.
func (r *Reader) Split(n int) ([]*Reader, error) {
	if r.last != 0 || r.err != nil || n < 2 {
		return nil, nil
	}
	if pq, ok := r.src.(*parquetSource); ok {
		return r.splitParquet(pq, n), nil
	}
	if r.file == nil {
		return nil, nil
	}
	size := r.file.Size()
	if per := (size - r.dataStart) / int64(n); per < minChunk {
		n = int((size - r.dataStart) / minChunk)
		if n < 2 {
			return nil, nil
		}
	}
	starts := []int64{r.dataStart}
	for k := 1; k < n; k++ {
		rough := r.dataStart + int64(k)*(size-r.dataStart)/int64(n)
		b, err := nextLineStart(r.file, rough, size)
		if err != nil {
			return nil, &FileError{File: r.name, Err: err}
		}
		if b < 0 || b <= starts[len(starts)-1] {
			break
		}
		starts = append(starts, b)
	}
	if len(starts) < 2 {
		return nil, nil
	}
	// Each chunk's first line number: the header's lines, then the line
	// breaks before its start.
	headerLines := r.src.(*csvSource).sp.line
	lines := make([]int, len(starts))
	lines[0] = headerLines
	buf := make([]byte, 1<<20)
	for k := 1; k < len(starts); k++ {
		c, err := countLines(r.file, starts[k-1], starts[k], buf)
		if err != nil {
			return nil, &FileError{File: r.name, Err: err}
		}
		lines[k] = lines[k-1] + c
	}
	comma := r.src.(*csvSource).sp.comma
	parts := make([]*Reader, len(starts))
	for k, start := range starts {
		end := size
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		sp := &splitter{br: bufio.NewReaderSize(io.NewSectionReader(r.file, start, size-start), bufSize), comma: comma, line: lines[k]}
		parts[k] = r.chunk(&csvSource{sp: sp, n: len(r.header), limit: end - start})
	}
	return parts, nil
}

// chunk returns a reader of r's file over src, sharing r's header.
func (r *Reader) chunk(src source) *Reader {
	c := &Reader{name: r.name, src: src, header: r.header, index: r.index, version: r.version, csv: r.csv, ci: r.ci}
	c.st.Format = r.st.Format
	c.st.ListCostAbsent = r.st.ListCostAbsent
	c.st.MissingMandatory = r.st.MissingMandatory
	c.st.ExtensionColumns = r.st.ExtensionColumns
	c.st.UnknownColumns = r.st.UnknownColumns
	c.row.Column = c.column
	return c
}

// nextLineStart returns the offset just after the first line break at or
// after off, or -1 when there is none before size.
func nextLineStart(f io.ReaderAt, off, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for off < size {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return off + int64(i) + 1, nil
		}
		if err != nil && err != io.EOF {
			return 0, err
		}
		off += int64(n)
	}
	return -1, nil
}

// countLines counts the line breaks in [from, to).
func countLines(f io.ReaderAt, from, to int64, buf []byte) (int, error) {
	n := 0
	for off := from; off < to; {
		m, err := f.ReadAt(buf[:min(int64(len(buf)), to-off)], off)
		n += bytes.Count(buf[:m], []byte{'\n'})
		if err != nil && err != io.EOF {
			return 0, err
		}
		if m == 0 {
			return 0, io.ErrUnexpectedEOF
		}
		off += int64(m)
	}
	return n, nil
}

// SumStats adds up the Stats of the readers from Split, in file order,
// into what one Reader would have counted.
func SumStats(parts []Stats) Stats {
	if len(parts) == 0 {
		return Stats{}
	}
	st := parts[0]
	st.Examples = map[string][]int{}
	for i, p := range parts {
		if i > 0 {
			st.Rows += p.Rows
			st.RowErrors += p.RowErrors
			st.NullStrings += p.NullStrings
			st.SpaceDatetimes += p.SpaceDatetimes
			st.ZonelessDatetimes += p.ZonelessDatetimes
			st.DateOnlyDatetimes += p.DateOnlyDatetimes
			st.TagKeysTrimmed += p.TagKeysTrimmed
			st.TagKeyCollisions += p.TagKeyCollisions
			st.TagsUnparseable += p.TagsUnparseable
			st.NullListCosts += p.NullListCosts
		}
		for k, lines := range p.Examples {
			for _, l := range lines {
				if ex := st.Examples[k]; len(ex) < maxExamples {
					st.Examples[k] = append(ex, l)
				}
			}
		}
	}
	return st
}

// minChunkRows is the fewest Parquet rows worth a core of their own.
var minChunkRows int64 = 64 << 10 // a variable for the tests

// splitParquet gives each of at most n readers a run of consecutive row
// groups holding about the same number of rows.
func (r *Reader) splitParquet(pq *parquetSource, n int) []*Reader {
	if pq.cur != nil || len(pq.groups) < 2 {
		return nil
	}
	var total int64
	for _, g := range pq.groups {
		total += g.NumRows()
	}
	n = int(min(int64(n), int64(len(pq.groups)), total/max(minChunkRows, 1)))
	if n < 2 {
		return nil
	}
	var parts []*Reader
	first, row, rows := 0, int64(0), int64(0) // rows: rows in groups[:i+1]
	for i, g := range pq.groups {
		rows += g.NumRows()
		// Chunk k (1-based) ends once it reaches k/n of the rows; the last
		// takes what is left.
		k := int64(len(parts) + 1)
		if i == len(pq.groups)-1 || (k < int64(n) && rows >= total*k/int64(n)) {
			c := r.chunk(nil)
			c.src = pq.sub(pq.groups[first:i+1], int(row), &c.tags)
			parts = append(parts, c)
			first, row = i+1, rows
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return parts
}
