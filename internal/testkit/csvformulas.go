package testkit

import (
	"strings"
)

// FormulaCells reads an export as any spreadsheet might: it cuts it into lines
// twice (at LF only, a CRLF's CR dropped, and at every CR or LF), splits each line
// on ',', on ';' and on tab in turn (ignoring quotes, as a careless reader does),
// trims spaces and double quotes off each piece, and returns every piece that
// starts a formula (= + - @) or with a tab or CR (which some spreadsheets skip
// before looking). A safe export returns none.
func FormulaCells(export string) []string {
	var bad []string
	export = strings.TrimPrefix(export, "\ufeff")
	lines := strings.FieldsFunc(export, func(r rune) bool { return r == '\r' || r == '\n' })
	for _, line := range strings.Split(export, "\n") {
		lines = append(lines, strings.TrimSuffix(line, "\r"))
	}
	for _, line := range lines {
		for _, sep := range []string{",", ";", "\t"} {
			for _, cell := range strings.Split(line, sep) {
				cell = strings.Trim(cell, " \"")
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					bad = append(bad, cell)
				}
			}
		}
	}
	return bad
}
