// Package csvsafe keeps our CSV exports from carrying spreadsheet formulas (CSV
// injection) whichever separator the reader splits on.
//
// A spreadsheet runs a cell as a formula when it starts with = + - or @ (some also
// skip a leading tab or carriage return before looking). Guarding only a cell's
// first character is not enough: with Russian settings a spreadsheet splits on ';',
// so the one cell "Течёт;=1+2;" becomes the three cells "Течёт", "=1+2" and "". A
// reader may also split on ',' or a tab, or take a CR or LF inside a quoted cell for
// the end of a row. So every place where some reader may start a cell — the start of
// ours and the place after each ',', ';', tab, CR or LF in it — is guarded: when,
// after any spaces and double quotes (which readers trim), a formula character
// follows, an apostrophe goes before it, which spreadsheets show as text.
//
// The escaping is reversible, so that our imports read our exports back unchanged:
// at a guarded place an apostrophe the text already had before a formula character
// gets one more, and Unescape takes exactly one away.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// formulaStart lists what makes a spreadsheet read a cell as a formula (OWASP's
// "CSV injection" list).
const formulaStart = "=+-@\t\r"

// separators end a cell or a row for some reader: ',' and ';' (the usual separator
// with Russian settings), tab, and the line breaks.
const separators = ",;\t\r\n"

// Escape returns cell with an apostrophe before every formula character that could
// start a cell, whichever of ',', ';' or tab a reader splits on. Text without
// formula characters comes back as it is.
func Escape(cell string) string { return rewrite(cell, 1) }

// Unescape undoes Escape: at each place Escape guards, an apostrophe before a
// formula character is removed. An apostrophe elsewhere (or a lone one) stays, so
// a file written by hand reads as typed.
func Unescape(cell string) string { return rewrite(cell, -1) }

// rewrite adds (delta 1) or removes (delta -1) one apostrophe at every guarded
// place of s that is followed by a formula character. Separators, spaces, quotes
// and formula characters are never changed, so the guarded places of the escaped
// text are those of the original and the two directions undo each other.
func rewrite(s string, delta int) string {
	if !strings.ContainsAny(s, formulaStart) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	atStart := true
	for i := 0; i < len(s); {
		if atStart {
			atStart = false
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '"') {
				j++
			}
			k := j
			for k < len(s) && s[k] == '\'' {
				k++
			}
			if k < len(s) && strings.IndexByte(formulaStart, s[k]) >= 0 && (delta > 0 || k > j) {
				b.WriteString(s[i:j])
				b.WriteString(strings.Repeat("'", k-j+delta))
				i = k // the formula character itself may be a separator (tab, CR)
			}
		}
		c := s[i]
		b.WriteByte(c)
		i++
		if strings.IndexByte(separators, c) >= 0 {
			atStart = true
		}
	}
	return b.String()
}

// Writer is a csv.Writer that escapes every cell it writes: the one way our
// exports write CSV, so none can forget the guard.
type Writer struct {
	*csv.Writer
}

// NewWriter returns a Writer on w (',' separated, LF line ends; set UseCRLF on the
// embedded csv.Writer for CRLF).
func NewWriter(w io.Writer) *Writer { return &Writer{csv.NewWriter(w)} }

// Write writes record as one row, every cell escaped (record itself is left as
// it is: headers are often package variables). With UseCRLF, csv.Writer drops a
// cell's carriage returns; they are dropped before escaping, so that what is
// written unescapes to the cell without them.
func (w *Writer) Write(record []string) error {
	out := make([]string, len(record))
	for i, c := range record {
		if w.UseCRLF {
			c = strings.ReplaceAll(c, "\r", "")
		}
		out[i] = Escape(c)
	}
	return w.Writer.Write(out)
}
