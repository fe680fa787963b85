// Command barepage is the baseline of scripts/bench-device.sh: a bare net/http
// server answering every GET with the bytes of one saved page (the device page as
// Smart Service served it), so the ratio of the two measures what Smart Service
// spends on a device page beyond writing it.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18091", "listen address")
	file := flag.String("page", "", "the saved page")
	flag.Parse()
	page, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
