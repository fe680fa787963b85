// Command barefiling is the filing ceiling of scripts/bench.sh, as barepage is
// the device page's: a bare net/http server that answers POST /api/v1/tickets
// (the JSON a filing sends) by inserting one row into a table with one index,
// one commit per request, on the same database with the same durability, and
// answers 201 with the row's id. It accepts any login (POST /api/v1/auth/login),
// so scripts/bench/filer drives it unchanged. What Smart Service does beyond it
// (the session, the device, the route, the executor's pick, the ticket's indexes
// and report counters, its events, its notifications and their delivery) is what
// the ratio of the two measures. Loopback only; on PostgreSQL its table lives in
// the schema the URL's search_path names and is dropped on exit.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18095", "listen address")
	pg := flag.String("postgres", "", "a PostgreSQL URL (its search_path a schema of the bench's own)")
	path := flag.String("sqlite", "", "a SQLite file to create (removed on exit)")
	flag.Parse()
	d, table, err := open(*pg, *path)
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if *pg != "" {
			_, _ = d.Exec("DROP TABLE IF EXISTS " + table)
		} else {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				_ = os.Remove(*path + suffix)
			}
		}
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/auth/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token":"bare"}`))
	})
	mux.HandleFunc("POST /api/v1/tickets", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			AssetCode string `json:"asset_code"`
			ProblemID int64  `json:"problem_type_id"`
			Comment   string `json:"comment"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
		var id int64
		// One statement in autocommit: one transaction and one durable commit per request.
		err := d.QueryRowContext(r.Context(), "INSERT INTO "+table+" (asset_code, problem_type_id, comment, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			in.AssetCode, in.ProblemID, in.Comment, time.Now().UTC().Format(time.RFC3339Nano)).Scan(&id)
		if err != nil {
			http.Error(w, "insert failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "problem_type_id": in.ProblemID, "comment": in.Comment})
	})
	srv := &http.Server{Addr: *addr, Handler: mux}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Print(err)
	}
}

// open connects to the database and creates the table: on SQLite with the
// durability of scripts/bench/sqliteloop (WAL, synchronous=FULL, one writer
// connection); on PostgreSQL as the server configures it (its fsync and
// synchronous_commit), with a pool as large as Smart Service's.
func open(pg, path string) (*sql.DB, string, error) {
	const table = "bare_filing"
	if pg != "" {
		d, err := sql.Open("pgx", pg)
		if err != nil {
			return nil, "", err
		}
		d.SetMaxOpenConns(20)
		d.SetMaxIdleConns(20)
		_, err = d.Exec("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, asset_code TEXT NOT NULL, problem_type_id BIGINT NOT NULL, comment TEXT NOT NULL, created_at TEXT NOT NULL)")
		return d, table, err
	}
	if path == "" {
		return nil, "", errors.New("barefiling: -postgres or -sqlite")
	}
	d, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, "", err
	}
	d.SetMaxOpenConns(1)
	_, err = d.Exec("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, asset_code TEXT NOT NULL, problem_type_id INTEGER NOT NULL, comment TEXT NOT NULL, created_at TEXT NOT NULL)")
	return d, table, err
}
