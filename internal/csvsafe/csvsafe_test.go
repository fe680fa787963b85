package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/csvsafe"
	"smartservice/internal/testkit"
)

// hostile are cells that become formulas for some reader, and harmless ones.
var hostile = []string{
	"Течёт;=1+2;", "a\t=cmd|' /C calc'!A0", "x,+1", "-2", "@SUM(1)", "\r=1", "=1+2", "+7 495", "\tx", "\rx",
	" =x", "x; =1", "x;\"=1", "x;'=1", "x;''=1", "'=1", "''+1", "\t\t=1", "a\n-1", "a\r\n@b", ";=", "=;=,=\t=",
	"", "plain", "'quoted", "'", "Кофе=", "1-2", "T-12", "a;b,c\td", "2026-03-02 09:30:00",
}

func TestEscapeExamples(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"plain":       "plain",
		"1-2":         "1-2",
		"=1+2":        "'=1+2",
		"-2":          "'-2",
		"Течёт;=1+2;": "Течёт;'=1+2;",
		"x,+1":        "x,'+1",
		" =x":         " '=x",
		"x; \"=1":     "x; \"'=1",
		"\t=1":        "'\t'=1",
		"\r=1":        "'\r'=1",
		"'=1":         "''=1",
		"'quoted":     "'quoted",
		"a\n-1":       "a\n'-1",
	} {
		if got := csvsafe.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	// An apostrophe typed by hand where no formula follows is not ours to take.
	for _, s := range []string{"'hello", "'", "a;'b", "x'=1"} {
		if got := csvsafe.Unescape(s); got != s {
			t.Errorf("Unescape(%q) = %q", s, got)
		}
	}
	// A file written by the old guard (an apostrophe before a leading formula
	// character only) still reads back.
	if got := csvsafe.Unescape("'=1+2"); got != "=1+2" {
		t.Errorf("old guard: %q", got)
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, s := range hostile {
		if got := csvsafe.Unescape(csvsafe.Escape(s)); got != s {
			t.Errorf("Unescape(Escape(%q)) = %q", s, got)
		}
	}
}

// TestWriterLeavesNoFormula writes every hostile cell through Writer, with LF and
// CRLF line ends, and reads the file as spreadsheets split it; then reads it back
// as our imports do.
func TestWriterLeavesNoFormula(t *testing.T) {
	for _, crlf := range []bool{false, true} {
		var buf bytes.Buffer
		w := csvsafe.NewWriter(&buf)
		w.UseCRLF = crlf
		header := []string{"a", "b"}
		if err := w.Write(header); err != nil {
			t.Fatal(err)
		}
		for _, s := range hostile {
			if err := w.Write([]string{s, "x" + s}); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		if bad := testkit.FormulaCells(buf.String()); len(bad) > 0 {
			t.Errorf("crlf %v: formulas %q in\n%s", crlf, bad, buf.String())
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range hostile {
			want := s
			if crlf { // csv.Writer drops a cell's CRs and writes its LF as CRLF, which the reader makes LF
				want = strings.ReplaceAll(s, "\r", "")
			} else {
				want = strings.ReplaceAll(s, "\r\n", "\n")
			}
			if got := csvsafe.Unescape(recs[i+1][0]); got != want {
				t.Errorf("crlf %v: read back %q, want %q", crlf, got, want)
			}
		}
	}
	if !slices.Equal([]string{"=x"}, func() []string { r := []string{"=x"}; _ = csvsafe.NewWriter(&bytes.Buffer{}).Write(r); return r }()) {
		t.Error("Write changed its argument")
	}
}

// TestFormulaCellsCatchesTheOldGuard: the checker itself finds what guarding only
// the first character lets through, so a pass means something.
func TestFormulaCellsCatchesTheOldGuard(t *testing.T) {
	for _, line := range []string{"'Течёт;=1+2;", "a\t=cmd", "x,+1", "\"a\r=1\"", "ok, -2", "ok;\"@SUM(1)\""} {
		if len(testkit.FormulaCells(line+"\n")) == 0 {
			t.Errorf("no formula found in %q", line)
		}
	}
	if bad := testkit.FormulaCells("\ufeffname,'=x,x;'+1,\"a\t'-1\"\r\n"); len(bad) > 0 {
		t.Errorf("false alarm %q", bad)
	}
}
