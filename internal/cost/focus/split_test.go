package focus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"reflect"
	"testing"
)

// splitAll reads every record with the splitter.
func splitAll(data []byte, comma byte) (recs [][]string, lines []int, err error) {
	sp := &splitter{br: bufio.NewReaderSize(bytes.NewReader(data), 16), comma: comma}
	for {
		fields, esc, line, _, err := sp.read()
		if err == io.EOF {
			return recs, lines, nil
		}
		if err != nil {
			return recs, lines, err
		}
		rec := append([]string(nil), fields...)
		for i := range rec {
			if esc.has(i) {
				rec[i] = unescape(rec[i])
			}
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
}

// stdAll reads every record with encoding/csv.
func stdAll(data []byte, comma byte) (recs [][]string, lines []int, err error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return recs, lines, nil
		}
		if err != nil {
			return recs, lines, err
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, rec)
		lines = append(lines, line)
	}
}

func TestSplitMatchesEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"a,b,c\n1,2,3\n",
		"a,b\r\n1,2\r\n\r\n\n3,4",
		"a,\"b,c\",\"d\"\"e\"\n",
		"\"multi\nline\",x\n\"more\r\nlines\"\"\",\"\"\n",
		",,\n,\n\"\",\"\"\n",
		"x\r",
		"\"a\"\"\",b\n",
		"a;b;\"c;d\"\n",
	} {
		comma := byte(',')
		if bytes.IndexByte([]byte(in), ';') >= 0 {
			comma = ';'
		}
		got, gotLines, err := splitAll([]byte(in), comma)
		want, wantLines, werr := stdAll([]byte(in), comma)
		if err != nil || werr != nil || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotLines, wantLines) {
			t.Errorf("%q:\n got %q %v %v\nwant %q %v %v", in, got, gotLines, err, want, wantLines, werr)
		}
	}
	// The generated export and the sample split the same.
	var buf bytes.Buffer
	if err := Generate(&buf, 2000, 7); err != nil {
		t.Fatal(err)
	}
	for _, data := range [][]byte{buf.Bytes(), mustRead(t, samplePath)} {
		got, gotLines, err := splitAll(data, ',')
		want, wantLines, werr := stdAll(data, ',')
		if err != nil || werr != nil || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotLines, wantLines) {
			t.Fatalf("records differ (%v %v)", err, werr)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	for _, in := range []string{"\"abc", "\"a\"b,c\n", "x\n\"open,\n"} {
		if _, _, err := splitAll([]byte(in), ','); err != errQuote {
			t.Errorf("%q: err = %v, want errQuote", in, err)
		}
	}
	// A quote inside an unquoted field is a character (encoding/csv
	// refuses it).
	got, _, err := splitAll([]byte("a\"b,c\n"), ',')
	if err != nil || !reflect.DeepEqual(got, [][]string{{"a\"b", "c"}}) {
		t.Errorf("bare quote: %q %v", got, err)
	}
}

// FuzzSplit checks that wherever encoding/csv reads every record without
// error, the splitter reads the same records on the same lines.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"x\"\"y\",z\r\n", "\"a\nb\",c", ",\n\n,", "a;b\n\"1;2\";3\n"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		comma := byte(',')
		if semicolon {
			comma = ';'
		}
		got, gotLines, err := splitAll(data, comma)
		want, wantLines, werr := stdAll(data, comma)
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("splitter: %v; encoding/csv read %q", err, want)
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotLines, wantLines) {
			t.Fatalf("got %q %v, want %q %v", got, gotLines, want, wantLines)
		}
	})
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
