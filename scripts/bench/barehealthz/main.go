// Command barehealthz is the baseline of scripts/bench-healthz.sh: a bare net/http
// server answering GET /healthz with the same bytes as Smart Service, so the ratio
// of the two measures what Smart Service's middleware costs.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
