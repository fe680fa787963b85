package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCatalogueLoadStarterAndImport(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SMARTSERVICE_DATABASE_URL": "sqlite://" + filepath.Join(dir, "c.db"), "SMARTSERVICE_LOG_LEVEL": "warn"}
	if code, _, stderr := runCmd(t, env, "catalogue", "load"); code != 2 || !strings.Contains(stderr, "load-starter") {
		t.Fatalf("bad action: %d %q", code, stderr)
	}
	code, out, stderr := runCmd(t, env, "catalogue", "load-starter")
	if code != 0 || !strings.Contains(out, "7 classes, 34 service types") {
		t.Fatalf("load-starter: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, env, "catalogue", "load-starter"); code != 2 || !strings.Contains(stderr, "catalogue is not empty") {
		t.Fatalf("second load-starter: %d %q", code, stderr)
	}

	file := filepath.Join(dir, "devices.csv")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("name,class,type,inventory_number\n" +
		"Кофемашина на кухне,Кухня и питание,Кофемашина,INV-000001\n" +
		"Тостер,Kitchen and food,Toaster,INV-000002\n" +
		"МФУ,IT equipment,Printer or MFP,INV-000001\n")
	code, out, stderr = runCmd(t, env, "import", "--file", file, "--dry-run")
	if code != 1 || !strings.Contains(out, "line 3, type: No service type of this class has this name.") ||
		!strings.Contains(out, "line 4, inventory_number: The same inventory number is already on line 2.") ||
		!strings.Contains(out, "dry run: 3 rows, 1 valid, 2 with errors") || !strings.Contains(stderr, "nothing was imported") {
		t.Fatalf("dry run: %d %q %q", code, out, stderr)
	}
	if code, _, _ := runCmd(t, env, "import", "--file", file); code != 1 {
		t.Fatalf("import of a bad file: %d", code)
	}
	write("name,class,type,inventory_number\nКофемашина на кухне,Кухня и питание,Кофемашина,INV-000001\nМФУ,IT equipment,Printer or MFP,\n")
	if code, out, stderr := runCmd(t, env, "import", "--file", file); code != 0 || !strings.Contains(out, "imported 2 devices") {
		t.Fatalf("import: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, env, "import"); code != 2 || !strings.Contains(stderr, "--file is required") {
		t.Fatalf("no file: %d %q", code, stderr)
	}
	if code, _, _ := runCmd(t, env, "import", "--file", filepath.Join(dir, "absent.csv")); code != 1 {
		t.Fatalf("absent file: %d", code)
	}
}
