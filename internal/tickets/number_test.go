package tickets_test

import (
	"testing"

	"smartservice/internal/tickets"
)

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]int64{"T-811": 811, "t-811": 811, "T811": 811, "t 811": 811, " 811 ": 811, "#811": 811, "№811": 811, "№ 811": 811,
		"T-": 0, "T-0": 0, "811a": 0, "T--811": 0, "INV-811": 0, "": 0, "99999999999999999999": 0, "-811": 0} {
		got, ok := tickets.ParseNumber(in)
		if got != want || ok != (want != 0) {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}
