package demo

// The demo office's past: months of tickets that look like an office's, so the
// journal, the homes and the reports have something true-looking to show, and so
// benchmarks can run on a million tickets ("smartservice demo --tickets N").
//
// The generator writes rows in bulk instead of calling tickets.Service.File for each
// ticket: filing a million tickets one by one, each with its own durable commit, would
// take hours. What File decides is decided the same way here: the department comes
// from the domain's own rules resolver (tickets.Rules.Resolve), the search text from
// tickets.SearchText, and every ticket gets the events File and the transitions
// would have written (filed, routed, assigned, started, done or cancelled).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/tickets"
)

// HistoryOptions shape the generated history.
type HistoryOptions struct {
	// Tickets is how many to generate; 0 means a believable number for Days (about a
	// dozen per working day).
	Tickets int
	// Days is the length of the period that ends at Now (90 when 0).
	Days int
	// Now is the end of the period (time.Now when zero). Tickets whose work would
	// end after Now are still open.
	Now time.Time
	// Location is the office's time zone: mornings and Mondays are the office's.
	Location *time.Location
	// Seed makes the history reproducible; the same seed gives the same tickets.
	Seed uint64
	// Progress, when set, is told how many tickets are written so far.
	Progress func(written int)
}

// HistorySummary tells what History wrote.
type HistorySummary struct {
	Tickets, Events int
	Open            int
	From, To        time.Time
}

// ErrNoDevices means the database has no office to make history for.
var ErrNoDevices = errors.New("demo: no devices or no accounts: load the demo office first")

// History writes generated past tickets into a database that holds an office
// (departments, accounts, catalogue, rules and devices), in transactions of a few
// thousand tickets.
func History(ctx context.Context, d *db.DB, opts HistoryOptions) (*HistorySummary, error) {
	if opts.Days <= 0 {
		opts.Days = 90
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Tickets < 0 {
		return nil, errors.New("demo: the number of tickets must not be negative")
	}
	if opts.Tickets == 0 {
		opts.Tickets = opts.Days * 9
	}
	o, err := readOffice(ctx, d)
	if err != nil {
		return nil, err
	}
	g := &generator{office: o, opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)), routes: map[[3]int64]tickets.Route{},
		rules: tickets.NewRules(d, nil), rotation: map[int64]int{}}
	times := g.creationTimes()
	due, err := newHistoryDue(ctx, d, opts.Location, opts.Now)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var firstID int64
	if err := d.R.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM tickets").Scan(&firstID); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sum := &HistorySummary{From: times[0], To: times[len(times)-1]}
	const perTx = 4000
	for start := 0; start < len(times); start += perTx {
		end := min(start+perTx, len(times))
		batch := make([]genTicket, 0, end-start)
		for i := start; i < end; i++ {
			t, err := g.ticket(ctx, firstID+int64(i), times[i])
			if err != nil {
				return nil, err
			}
			batch = append(batch, t)
			if t.status.Open() {
				sum.Open++
			}
		}
		n, err := writeBatch(ctx, d, batch, due)
		if err != nil {
			return nil, err
		}
		sum.Tickets += len(batch)
		sum.Events += n
		if opts.Progress != nil {
			opts.Progress(sum.Tickets)
		}
	}
	if d.Dialect == db.Postgres {
		// The ids were given explicitly; the identity must go on after them.
		if _, err := d.W.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT MAX(id) FROM tickets))"); err != nil {
			return nil, fmt.Errorf("demo: unable to move the ticket id sequence: %w", err)
		}
	}
	return sum, nil
}

// office is what the generator needs to know of the office.
type office struct {
	devices   []genDevice
	weights   []float64
	reporters []int64
	// executors by department id, in a stable order.
	executors map[int64][]int64
	// offers by service type id: the problem types it offers, with their English names.
	offers  map[int64][]genProblem
	depCode map[int64]string
}

type genDevice struct {
	id, classID, typeID                int64
	typeEN, name, code, inventory, loc string
}

type genProblem struct {
	id     int64
	nameEN string
	weight float64
}

// typeWeight is how often a kind of device or place needs someone, relative to 1:
// coffee runs out and printers jam far more often than desks break.
var typeWeight = map[string]float64{
	"Coffee machine": 7, "Printer or MFP": 5, "Water cooler": 3, "Pantry supplies": 3, "Restroom": 3,
	"Dishwasher": 2.5, "Kitchen area": 2, "Meeting room": 2, "Wi-Fi and network": 1.5, "Meeting room screen or projector": 1.5,
	"Video conferencing": 1.5, "Vending machine": 1.5, "Bins and recycling": 1.5, "Air conditioning": 1.5,
}

// problemWeight is how common a problem is among those its type offers.
var problemWeight = map[string]float64{
	"out of coffee beans": 9, "out of milk": 6, "grounds container full": 4, "water tank empty": 3,
	"paper jam": 6, "out of paper": 6, "out of toner": 3, "does not print": 2,
	"bottle empty": 5, "out of cups": 3, "out of sugar": 3, "out of tea": 2, "out of milk or cream": 3,
	"full, needs emptying": 4, "out of tablets": 2, "out of toilet paper": 4, "out of soap": 3, "out of towels": 3,
	"needs cleaning": 3, "bins full": 3, "full": 3, "no Wi-Fi here": 2, "slow network": 2, "no picture from laptop": 3,
	"too hot": 2, "too cold": 2, "too hot or cold": 3, "empty": 3,
}

func readOffice(ctx context.Context, d *db.DB) (*office, error) {
	o := &office{executors: map[int64][]int64{}, offers: map[int64][]genProblem{}, depCode: map[int64]string{}}
	rows, err := d.R.QueryContext(ctx, `SELECT a.id, t.class_id, a.type_id, t.name_en, a.name, a.code, COALESCE(a.inventory_number, ''),
		a.building, a.floor, a.room
		FROM assets a JOIN service_types t ON t.id = a.type_id
		WHERE a.archived = $1 AND a.owner_id IS NULL ORDER BY a.id`, false)
	if err != nil {
		return nil, fmt.Errorf("demo: unable to read devices: %w", err)
	}
	for rows.Next() {
		var g genDevice
		var building, floor, room string
		if err := rows.Scan(&g.id, &g.classID, &g.typeID, &g.typeEN, &g.name, &g.code, &g.inventory, &building, &floor, &room); err != nil {
			rows.Close()
			return nil, fmt.Errorf("demo: unable to read a device: %w", err)
		}
		g.loc = assets.Location{Building: building, Floor: floor, Room: room}.String()
		o.devices = append(o.devices, g)
		w, ok := typeWeight[g.typeEN]
		if !ok {
			w = 1
		}
		o.weights = append(o.weights, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demo: unable to read devices: %w", err)
	}
	err = eachRow(ctx, d, `SELECT tp.type_id, p.id, p.name_en FROM type_problems tp JOIN problem_types p ON p.id = tp.problem_type_id
		ORDER BY tp.type_id, tp.position`, nil, func(s func(...any) error) error {
		var typeID int64
		var p genProblem
		if err := s(&typeID, &p.id, &p.nameEN); err != nil {
			return err
		}
		p.weight = problemWeight[p.nameEN]
		if p.weight == 0 {
			p.weight = 1
		}
		o.offers[typeID] = append(o.offers[typeID], p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, d, `SELECT ud.department_id, u.id FROM users u
		JOIN user_departments ud ON ud.user_id = u.id
		JOIN user_roles r ON r.user_id = u.id AND r.role = 'executor'
		WHERE u.active = $1 ORDER BY ud.department_id, u.id`, []any{true}, func(s func(...any) error) error {
		var dep, id int64
		if err := s(&dep, &id); err != nil {
			return err
		}
		o.executors[dep] = append(o.executors[dep], id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, d, "SELECT id FROM users WHERE active = $1 ORDER BY id", []any{true}, func(s func(...any) error) error {
		var id int64
		if err := s(&id); err != nil {
			return err
		}
		o.reporters = append(o.reporters, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, d, "SELECT id, code FROM departments", nil, func(s func(...any) error) error {
		var id int64
		var code string
		if err := s(&id, &code); err != nil {
			return err
		}
		o.depCode[id] = code
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(o.devices) == 0 || len(o.reporters) == 0 {
		return nil, ErrNoDevices
	}
	return o, nil
}

func eachRow(ctx context.Context, d *db.DB, query string, args []any, f func(scan func(...any) error) error) error {
	rows, err := d.R.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("demo: unable to read the office: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows.Scan); err != nil {
			return fmt.Errorf("demo: unable to read the office: %w", err)
		}
	}
	return rows.Err()
}

type generator struct {
	office   *office
	opts     HistoryOptions
	rng      *rand.Rand
	rules    *tickets.Rules
	routes   map[[3]int64]tickets.Route
	rotation map[int64]int
}

// dayWeight: Mondays bring the weekend's backlog, Fridays are quieter, weekends nearly empty.
var dayWeight = [7]float64{time.Sunday: 0.08, time.Monday: 1.6, time.Tuesday: 1.1, time.Wednesday: 1, time.Thursday: 1, time.Friday: 0.8, time.Saturday: 0.1}

// hourWeight: the morning coffee rush, a bump after lunch, little in the evening.
var hourWeight = [24]float64{7: 0.3, 8: 1.2, 9: 3.2, 10: 3, 11: 2.2, 12: 1.4, 13: 1.8, 14: 1.6, 15: 1.3, 16: 1.1, 17: 0.8, 18: 0.4, 19: 0.2, 20: 0.1}

// creationTimes draws when the tickets were filed, oldest first.
func (g *generator) creationTimes() []time.Time {
	loc := g.opts.Location
	end := g.opts.Now.In(loc)
	first := time.Date(end.Year(), end.Month(), end.Day()-g.opts.Days+1, 0, 0, 0, 0, loc)
	var days []time.Time
	var dw []float64
	for day := first; !day.After(end); day = day.AddDate(0, 0, 1) {
		days = append(days, day)
		dw = append(dw, dayWeight[day.Weekday()])
	}
	out := make([]time.Time, 0, g.opts.Tickets)
	for len(out) < g.opts.Tickets {
		day := days[pick(g.rng, dw)]
		h := pick(g.rng, hourWeight[:])
		t := time.Date(day.Year(), day.Month(), day.Day(), h, g.rng.IntN(60), g.rng.IntN(60), 0, loc)
		if t.After(end) {
			continue
		}
		out = append(out, t.UTC())
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// pick draws an index with the given weights.
func pick(rng *rand.Rand, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	r := rng.Float64() * total
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

// genTicket is one generated ticket with its followers and events.
type genTicket struct {
	id                                 int64
	device                             genDevice
	problem                            int64
	comment, resolution, reason        string
	reporter, dept, rule, assignee     int64
	routedBy                           string
	status                             tickets.Status
	created                            time.Time
	assigned, started, done, cancelled *time.Time
	followers                          []int64
	events                             []genEvent
}

type genEvent struct {
	actor  int64
	kind   string
	detail string
	at     time.Time
	// subject is whom the event is about (the assignee of "assigned"), 0 for nobody.
	subject int64
}

// workMinutes is the median time to start and to finish by department: a coffee
// refill is quick, a leaking radiator is not.
var workMinutes = map[string][2]float64{
	"office": {12, 15}, "cleaning": {15, 20}, "it": {30, 60}, "facilities": {90, 180}, "security": {20, 40},
}

var comments = []string{"", "", "", "", "Срочно, через час встреча", "Уже второй раз за неделю", "Посмотрите, пожалуйста", "Опять!",
	"Please have a look", "С утра так", "Мигает красная лампочка", "Очень нужно к обеду"}

var resolutions = map[string][]string{
	"office":     {"Пополнили", "Заправлено", "Принесли новую упаковку", "Refilled"},
	"cleaning":   {"Убрано", "Помыли и проветрили", "Cleaned"},
	"it":         {"Перезагрузили, работает", "Заменили кабель", "Настроили", "Fixed the driver"},
	"facilities": {"Устранили протечку", "Заменили деталь", "Отрегулировали", "Repaired"},
	"security":   {"Перевыпустили пропуск", "Отрегулировали замок"},
}

var cancelReasons = []string{"Дубликат", "Уже починили сами", "Заявка создана по ошибке", "Duplicate"}

func (g *generator) route(ctx context.Context, dv genDevice, problem int64) (tickets.Route, error) {
	key := [3]int64{dv.classID, dv.typeID, problem}
	if r, ok := g.routes[key]; ok {
		return r, nil
	}
	r, err := g.rules.Resolve(ctx, dv.classID, dv.typeID, problem)
	if err != nil {
		return r, fmt.Errorf("demo: %w", err)
	}
	g.routes[key] = r
	return r, nil
}

// minutes draws a log-normal duration around median minutes.
func (g *generator) minutes(median float64) time.Duration {
	m := median * math.Exp(g.rng.NormFloat64()*0.8)
	return time.Duration(m * float64(time.Minute))
}

func (g *generator) ticket(ctx context.Context, id int64, created time.Time) (genTicket, error) {
	o := g.office
	dv := o.devices[pick(g.rng, o.weights)]
	probs := o.offers[dv.typeID]
	if len(probs) == 0 {
		return genTicket{}, fmt.Errorf("demo: service type %s offers no problem types", dv.typeEN)
	}
	pw := make([]float64, len(probs))
	for i, p := range probs {
		pw[i] = p.weight
	}
	t := genTicket{id: id, device: dv, problem: probs[pick(g.rng, pw)].id, created: created,
		comment: comments[g.rng.IntN(len(comments))], reporter: o.reporters[g.rng.IntN(len(o.reporters))]}
	r, err := g.route(ctx, dv, t.problem)
	if err != nil {
		return t, err
	}
	t.dept, t.rule = r.DepartmentID, r.RuleID
	detail := strconv.FormatInt(r.RuleID, 10)
	switch {
	case r.Unrouted:
		t.routedBy, detail = tickets.RoutedByNone, tickets.RoutedByNone
	case r.Default:
		t.routedBy, detail = tickets.RoutedByDefault, tickets.RoutedByDefault
	default:
		t.routedBy = tickets.RoutedByRule
	}
	t.followers = []int64{t.reporter}
	t.events = []genEvent{{t.reporter, tickets.EventFiled, "", created, 0}, {0, tickets.EventRouted, detail, created, 0}}
	if g.rng.IntN(20) == 0 {
		other := o.reporters[g.rng.IntN(len(o.reporters))]
		if other != t.reporter {
			t.followers = append(t.followers, other)
			t.events = append(t.events, genEvent{other, "followed", "", created.Add(g.minutes(5)), 0})
		}
	}
	now := g.opts.Now.UTC()
	execs := o.executors[t.dept]
	t.status = tickets.StatusNew
	if len(execs) == 0 {
		// Nobody to do it: it waited in the queue; old ones were cancelled by the reporter.
		if now.Sub(created) > 3*24*time.Hour {
			g.cancel(&t, t.reporter, created.Add(48*time.Hour))
		}
		return t, nil
	}
	// Round-robin within the department: what least-loaded assignment does when
	// tickets are finished about as fast as they come.
	t.assignee = execs[g.rotation[t.dept]%len(execs)]
	g.rotation[t.dept]++
	med := workMinutes[o.depCode[t.dept]]
	if med == [2]float64{} {
		med = [2]float64{30, 60}
	}
	at := created
	t.assigned = &at
	t.status = tickets.StatusAssigned
	t.events = append(t.events, genEvent{0, tickets.EventAssigned, "", at, t.assignee})
	if g.rng.IntN(100) < 6 {
		g.cancel(&t, []int64{t.assignee, t.reporter}[g.rng.IntN(2)], created.Add(g.minutes(med[0])))
		return t, nil
	}
	// The last day's work is partly still on people's desks, so the homes and the
	// queues have something to show.
	fresh := now.Sub(created) < 24*time.Hour && g.rng.IntN(10) < 6
	started := created.Add(g.minutes(med[0]))
	if started.After(now) || (fresh && g.rng.IntN(2) == 0) {
		return t, nil
	}
	t.started, t.status = &started, tickets.StatusInProgress
	t.events = append(t.events, genEvent{t.assignee, tickets.EventStarted, "", started, 0})
	done := started.Add(g.minutes(med[1]))
	if done.After(now) || fresh {
		return t, nil
	}
	res := resolutions[o.depCode[t.dept]]
	if len(res) == 0 {
		res = []string{"Done"}
	}
	t.resolution = res[g.rng.IntN(len(res))]
	t.done, t.status = &done, tickets.StatusDone
	t.events = append(t.events, genEvent{t.assignee, tickets.EventDone, t.resolution, done, 0})
	return t, nil
}

func (g *generator) cancel(t *genTicket, actor int64, at time.Time) {
	if at.After(g.opts.Now) {
		return
	}
	t.reason = cancelReasons[g.rng.IntN(len(cancelReasons))]
	t.cancelled, t.status = &at, tickets.StatusCancelled
	t.events = append(t.events, genEvent{actor, tickets.EventCancelled, t.reason, at, 0})
}

// writeBatch writes tickets, followers and events in one transaction, in
// multi-row INSERTs small enough for both databases' parameter limits.
func writeBatch(ctx context.Context, d *db.DB, batch []genTicket, due *historyDue) (events int, err error) {
	slaCols := make([][]any, len(batch))
	for i := range batch {
		if slaCols[i], err = due.columns(&batch[i]); err != nil {
			return 0, err
		}
	}
	err = d.InTx(ctx, func(tx *sql.Tx) error {
		const ticketCols = 24
		if err := insertRows(ctx, tx, d.Dialect, `INSERT INTO tickets (id, asset_id, problem_type_id, comment, reporter_id, department_id, rule_id, routed_by,
			assignee_id, status, created_at, assigned_at, started_at, done_at, cancelled_at, resolution, cancel_reason, search,
			take_by, take_warn_at, done_by, done_warn_at, taken_at, sla_next_at) VALUES `,
			ticketCols, len(batch), func(i int) []any {
				t := batch[i]
				return append([]any{t.id, t.device.id, t.problem, t.comment, t.reporter, nullable(t.dept), nullable(t.rule), t.routedBy,
					nullable(t.assignee), string(t.status), t.created, timeOrNil(t.assigned), timeOrNil(t.started), timeOrNil(t.done),
					timeOrNil(t.cancelled), t.resolution, t.reason,
					tickets.SearchText(t.comment, t.device.name, t.device.code, t.device.inventory, t.device.loc)}, slaCols[i]...)
			}); err != nil {
			return err
		}
		type pair struct{ ticket, user int64 }
		var fs []pair
		var es []struct {
			ticket int64
			e      genEvent
		}
		for _, t := range batch {
			for _, u := range t.followers {
				fs = append(fs, pair{t.id, u})
			}
			for _, e := range t.events {
				es = append(es, struct {
					ticket int64
					e      genEvent
				}{t.id, e})
			}
		}
		if err := insertRows(ctx, tx, d.Dialect, "INSERT INTO ticket_followers (ticket_id, user_id) VALUES ", 2, len(fs), func(i int) []any {
			return []any{fs[i].ticket, fs[i].user}
		}); err != nil {
			return err
		}
		events = len(es)
		return insertRows(ctx, tx, d.Dialect, "INSERT INTO ticket_events (ticket_id, actor_id, subject_id, kind, detail, created_at) VALUES ", 6, len(es), func(i int) []any {
			e := es[i]
			return []any{e.ticket, nullable(e.e.actor), nullable(e.e.subject), e.e.kind, e.e.detail, e.e.at}
		})
	})
	if err != nil {
		return 0, fmt.Errorf("demo: unable to write history: %w", err)
	}
	return events, nil
}

// insertRows runs prefix + "($1, ...), (...)" for n rows of cols values each. The
// statements stay small on SQLite, whose driver binds parameters by name in time
// that grows with their number, and one prepared statement serves every full chunk.
func insertRows(ctx context.Context, tx *sql.Tx, dialect db.Dialect, prefix string, cols, n int, row func(i int) []any) error {
	per := max(1, 8000/cols)
	if dialect == db.SQLite {
		per = max(1, 400/cols)
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		query := valuesSQL(prefix, cols, end-start)
		var err error
		switch {
		case end-start < per:
			_, err = tx.ExecContext(ctx, query, args...)
		default:
			if full == nil {
				if full, err = tx.PrepareContext(ctx, query); err != nil {
					return fmt.Errorf("demo: bulk insert: %w", err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("demo: bulk insert: %w", err)
		}
	}
	return nil
}

// valuesSQL is prefix followed by rows groups of cols numbered parameters.
func valuesSQL(prefix string, cols, rows int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*cols + c + 1))
		}
		b.WriteByte(')')
	}
	return b.String()
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
