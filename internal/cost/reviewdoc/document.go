package reviewdoc

// Document is a review laid out for reading: a title, a few paragraphs,
// the summary, then sections of tables. Build decides every word and
// number once; Markdown, HTML and the UI page only dress it, so the three
// never disagree.
type Document struct {
	Title string
	// Lede is the paragraphs under the title: the period, and how to read
	// the amounts.
	Lede    []string
	Summary []string
	// Sections are in reading order.
	Sections []Section
}

// Section is one part of the review.
type Section struct {
	// ID anchors the section (#movers).
	ID    string
	Title string
	Intro string
	// Tables holds only tables with rows; with none, Empty says why.
	Tables []Table
	Empty  string
	Notes  []string
}

// Table is a table with a header row.
type Table struct {
	Caption string
	Columns []Column
	Rows    [][]Cell
}

// Column heads a table column.
type Column struct {
	Label string
	// Num right-aligns the column: amounts and percentages.
	Num bool
}

// Cell is one table cell: its text, and hints a renderer may use.
type Cell struct {
	Text string
	// Num is the column's, copied so that renderers need not look it up.
	Num bool
	// Code marks an identifier (an account, a resource id, tags), set in
	// a fixed-width font.
	Code bool
	// Team is set when the cell names a team, which the UI links.
	Team string
	// Tone is "up" or "down" for a change in spend (more spend is the
	// bad news).
	Tone string
	// Level grades a status or band: good, warn, bad or none; "" for an
	// ordinary cell.
	Level string
}

// Levels of a graded cell.
const (
	LevelGood = "good"
	LevelWarn = "warn"
	LevelBad  = "bad"
	LevelNone = "none"
)

// add appends a row, giving each cell its column's alignment.
func (t *Table) add(cells ...Cell) {
	for i := range cells {
		if i < len(t.Columns) {
			cells[i].Num = t.Columns[i].Num
		}
	}
	t.Rows = append(t.Rows, cells)
}

// text is an ordinary cell.
func text(s string) Cell { return Cell{Text: s} }

// code is a cell holding an identifier.
func code(s string) Cell { return Cell{Text: s, Code: true} }

// toned is a change, up or down.
func toned(s string, v float64) Cell {
	c := Cell{Text: s}
	switch {
	case roundCents(v) > 0:
		c.Tone = "up"
	case roundCents(v) < 0:
		c.Tone = "down"
	}
	return c
}

// col is a text column; num an amount or percentage column.
func col(label string) Column { return Column{Label: label} }
func num(label string) Column { return Column{Label: label, Num: true} }
