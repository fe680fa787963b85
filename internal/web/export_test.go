package web

// Hooks for the package's external tests (package web_test).

// SetKeptDevicePages turns the device page's kept frame and skeleton on or off
// for s: off, every device page is executed in full through html/template.
func SetKeptDevicePages(s *Server, on bool) { s.fullDevicePages.Store(!on) }
