// Command filer is the filing load of scripts/bench.sh: it logs in through the
// API, then files tickets with POST /api/v1/tickets from -clients concurrent
// clients for -for, and prints the acknowledged tickets per second. Every 201 is
// a ticket the server answered only after its commit. Loopback only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:18090", "the server")
	email := flag.String("email", "anna.petrova@demo.office", "who files")
	password := flag.String("password", "demo-office-2026", "their password")
	code := flag.String("code", "", "the device's QR code")
	problem := flag.Int64("problem", 0, "a problem type the device offers")
	clients := flag.Int("clients", 8, "concurrent clients")
	dur := flag.Duration("for", 10*time.Second, "how long to file")
	flag.Parse()

	body, _ := json.Marshal(map[string]string{"email": *email, "password": *password})
	res, err := http.Post(*base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	var login struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&login); err != nil || login.Token == "" {
		log.Fatalf("login: %d %v", res.StatusCode, err)
	}
	res.Body.Close()

	tr := &http.Transport{MaxIdleConnsPerHost: *clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var ok, failed atomic.Int64
	var lat []time.Duration
	var mu sync.Mutex
	deadline := time.Now().Add(*dur)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; time.Now().Before(deadline); i++ {
				b, _ := json.Marshal(map[string]any{"asset_code": *code, "problem_type_id": *problem,
					"comment": fmt.Sprintf("bench %d/%d", c, i)})
				req, _ := http.NewRequest("POST", *base+"/api/v1/tickets", bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+login.Token)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				// Read to the end, or the transport closes the connection and
				// every filing pays for a new one (a phone or a kiosk keeps its
				// connection alive between requests).
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					ok.Add(1)
					mine = append(mine, time.Since(t0))
				} else {
					failed.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	fmt.Printf("%.1f tickets/s (%d filed, %d failed, %d clients, %.1f s)\n", float64(ok.Load())/secs, ok.Load(), failed.Load(), *clients, secs)
}
