package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestAcknowledgedTicketsSurviveKill9 files tickets over the API from 8 clients
// against the real binary, kills it with SIGKILL in the middle of the load, and
// checks that every ticket it acknowledged (201) is in the database: group commit
// on SQLite answers only after the shared commit, and no write is held in memory.
func TestAcknowledgedTicketsSurviveKill9(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			url := testkit.FreshURL(t, dialect)
			addr := freeAddr(t)
			base := "http://" + addr
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "SMARTSERVICE_TEST_RUN_MAIN=1", "SMARTSERVICE_TEST_ARGS=--demo",
				"SMARTSERVICE_ADDR="+addr, "SMARTSERVICE_BASE_URL="+base, "SMARTSERVICE_DATABASE_URL="+url, "SMARTSERVICE_LOG_LEVEL=warn")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			waitReady(t, addr, 60*time.Second)

			d, err := db.Open(context.Background(), url, db.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var code string
			var problem int64
			if err := d.R.QueryRow(`SELECT a.code, tp.problem_type_id FROM assets a JOIN type_problems tp ON tp.type_id = a.type_id
				WHERE a.owner_id IS NULL AND a.archived = $1 ORDER BY a.id LIMIT 1`, false).Scan(&code, &problem); err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal(map[string]string{"email": "anna.petrova@demo.office", "password": "demo-office-2026"})
			res, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var login struct{ Token string }
			if err := json.NewDecoder(res.Body).Decode(&login); err != nil || login.Token == "" {
				t.Fatalf("login: %d %v", res.StatusCode, err)
			}
			res.Body.Close()

			var mu sync.Mutex
			var acked []int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 10 * time.Second}
			for c := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						b, _ := json.Marshal(map[string]any{"asset_code": code, "problem_type_id": problem, "comment": fmt.Sprintf("kill %d/%d", c, i)})
						req, _ := http.NewRequest("POST", base+"/api/v1/tickets", bytes.NewReader(b))
						req.Header.Set("Authorization", "Bearer "+login.Token)
						req.Header.Set("Content-Type", "application/json")
						res, err := client.Do(req)
						if err != nil {
							return // the server is gone
						}
						var tk struct{ ID int64 }
						err = json.NewDecoder(res.Body).Decode(&tk)
						res.Body.Close()
						if res.StatusCode == http.StatusCreated && err == nil && tk.ID > 0 {
							mu.Lock()
							acked = append(acked, tk.ID)
							mu.Unlock()
						}
					}
				}()
			}
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
				t.Fatal(err)
			}
			_ = cmd.Wait()
			close(stop)
			wg.Wait()
			if len(acked) == 0 {
				t.Fatalf("no ticket was acknowledged before the kill\n%s", stderr.String())
			}
			missing := 0
			for _, id := range acked {
				var one int
				if err := d.R.QueryRow("SELECT 1 FROM tickets WHERE id = $1", id).Scan(&one); err != nil {
					missing++
				}
			}
			if missing > 0 {
				t.Fatalf("%d of %d acknowledged tickets are gone after kill -9", missing, len(acked))
			}
			t.Logf("%d acknowledged tickets, all there after kill -9", len(acked))
		})
	}
}
