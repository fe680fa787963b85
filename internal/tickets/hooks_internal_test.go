package tickets

// Hooks for the package's external tests (package tickets_test).

// SetExportPage makes ExportCSV read n rows per query and returns the undo.
func SetExportPage(n int) (restore func()) {
	old := exportPage
	exportPage = n
	return func() { exportPage = old }
}
