package assets

import (
	"strings"
	"testing"
)

func TestGuardNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+7 495": "'+7 495", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "plain": "plain", "'quoted": "'quoted", " =x": " =x", "Кофе=": "Кофе=", "1-2": "1-2",
	} {
		if got := guard(in); got != want {
			t.Errorf("guard(%q) = %q, want %q", in, got, want)
		}
		if got := unguard(guard(in)); got != in {
			t.Errorf("unguard(guard(%q)) = %q", in, got)
		}
	}
	// An apostrophe the user typed before anything else stays.
	if unguard("'hello") != "'hello" || unguard("'") != "'" {
		t.Fatal("unguard removed a typed apostrophe")
	}
}

func TestParseStarterRefusesABrokenDocument(t *testing.T) {
	good := "## Service classes → service types → problem types\n| class | type | problem types |\n|---|---|---|\n" +
		"| A / А | T / Т | p / п; q / к |\n## Starter rules table\n| service class | service type | problem type | department |\n|---|---|---|---|\n| A | any | any | it |\n"
	sd, err := parseStarter(good)
	if err != nil || len(sd.classes) != 1 || len(sd.problems) != 2 || sd.rules[0] != (StarterRule{Class: "A", Department: "it"}) {
		t.Fatalf("%+v, %v", sd, err)
	}
	for name, doc := range map[string]string{
		"no English/Russian pair": strings.Replace(good, "T / Т", "T", 1),
		"a type before a class":   strings.Replace(good, "| A / А | T", "| | T", 1),
		"a short row":             strings.Replace(good, "| A / А | T / Т | p / п; q / к |", "| A / А | T / Т |", 1),
		"an empty problem":        strings.Replace(good, "p / п; q / к", "p / п;", 1),
		"a short rule":            strings.Replace(good, "| A | any | any | it |", "| A | any | it |", 1),
		"no rules":                strings.Split(good, "## Starter")[0],
	} {
		if _, err := parseStarter(doc); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}
