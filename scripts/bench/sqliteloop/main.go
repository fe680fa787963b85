// Command sqliteloop is the storage-limit baseline of scripts/bench.sh: a bare
// SQLite insert loop with the durability Smart Service promises (WAL,
// synchronous=FULL, one commit per row), on the same disk and driver, printing
// inserts per second. Filing over HTTP is measured as a ratio of it.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	path := flag.String("db", "", "a file to create (removed afterwards)")
	dur := flag.Duration("for", 5*time.Second, "how long to insert")
	flag.Parse()
	defer os.Remove(*path)
	defer os.Remove(*path + "-wal")
	defer os.Remove(*path + "-shm")
	d, err := sql.Open("sqlite", "file:"+*path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)")
	if err != nil {
		log.Fatal(err)
	}
	d.SetMaxOpenConns(1)
	if _, err := d.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, comment TEXT NOT NULL, at TEXT NOT NULL)"); err != nil {
		log.Fatal(err)
	}
	n := 0
	start := time.Now()
	for time.Since(start) < *dur {
		tx, err := d.Begin()
		if err != nil {
			log.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO t (comment, at) VALUES ($1, $2)", "bench", time.Now().UTC().String()); err != nil {
			log.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Printf("%.1f inserts/s\n", float64(n)/time.Since(start).Seconds())
}
