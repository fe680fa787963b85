//go:build pprof

package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // the profiles behind the benchmark's findings
	"os"
)

// With -tags pprof and SMARTSERVICE_PPROF_ADDR set (a loopback address), the binary
// serves net/http/pprof there, so scripts/bench.sh can profile the hot paths under
// load. Production builds carry none of it.
func init() {
	addr := os.Getenv("SMARTSERVICE_PPROF_ADDR")
	if addr == "" {
		return
	}
	go func() { log.Println(http.ListenAndServe(addr, nil)) }()
}
