// Package reviewdoc renders the monthly FinOps review (cost.Review) as a
// Markdown document to paste into a pull request or a wiki, and as a
// standalone HTML document to mail, archive or print: inline CSS, no
// scripts, nothing fetched from anywhere. Both come from one Document, as
// does the review page of the UI, so they say the same thing.
package reviewdoc

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"

	"github.com/paved-dev/paved/internal/cost"
)

//go:embed templates/review.md.tmpl templates/review.html.tmpl
var templateFS embed.FS

var (
	mdTemplate = texttemplate.Must(texttemplate.New("review.md.tmpl").
			Funcs(texttemplate.FuncMap{"md": mdText, "cell": mdCell}).
			ParseFS(templateFS, "templates/review.md.tmpl"))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("review.html.tmpl").ParseFS(templateFS, "templates/review.html.tmpl"))
)

// Formats a review can be written in, as --format and file extensions
// name them.
const (
	FormatMarkdown = "md"
	FormatHTML     = "html"
)

// Write renders r in format (md or html) to w. It renders into a buffer
// first, so that a failure writes nothing.
func Write(w io.Writer, r cost.Review, format string) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case FormatMarkdown:
		err = mdTemplate.Execute(&buf, Build(r))
	case FormatHTML:
		err = htmlTemplate.Execute(&buf, Build(r))
	default:
		panic("reviewdoc: unknown format " + format)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	if format == FormatHTML {
		return "text/html; charset=utf-8"
	}
	return "text/markdown; charset=utf-8"
}

// FileName is the name a review is saved under:
// finops-review-2024-09.md, finops-review-payments-2024-09.html.
func FileName(r cost.Review, format string) string {
	name := "finops-review-"
	if r.Team != "" {
		name += r.Team + "-"
	}
	return name + r.Month + "." + format
}

// mdText escapes prose for Markdown, so that a tag value or a name can
// neither format the text nor inject HTML; line breaks become spaces.
func mdText(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~':
			b.WriteByte('\\')
		case '\n', '\r':
			c = ' '
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mdCode sets an identifier as a code span, which needs no escaping
// inside but its delimiter; | still splits a table cell, so it is escaped
// as GitHub's tables expect.
func mdCode(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "|", `\|`).Replace(s)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// mdCell renders one table cell.
func mdCell(c Cell) string {
	if c.Code {
		return mdCode(c.Text)
	}
	return mdText(c.Text)
}
