// Package app is the composition root: it builds every part of Smart Service from a
// Config (database, job queue, domain stores, web face), runs the server and stops
// it gracefully. cmd/smartservice and the browser tests both start the server here,
// so tests run exactly what production runs.
package app

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"smartservice/internal/api"
	"smartservice/internal/assets"
	"smartservice/internal/audit"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
	"smartservice/internal/jobs"
	"smartservice/internal/notify"
	"smartservice/internal/reports"
	"smartservice/internal/sla"
	"smartservice/internal/telegram"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// Version is the build's version, set with -ldflags "-X smartservice/internal/app.Version=…".
var Version = "dev"

// App is one running Smart Service process.
type App struct {
	Config   *config.Config
	Logger   *slog.Logger
	DB       *db.DB
	Jobs     *jobs.Client
	Users    *users.Store
	Accounts *users.Service
	// Assets is the catalogue and devices domain.
	Assets *assets.Service
	// Tickets files and works tickets.
	Tickets *tickets.Service
	// Reports computes the period report.
	Reports *reports.Service
	// SLA is the service levels: office hours, holidays, targets.
	SLA *sla.Service
	// Notify decides and queues notifications; the mail channel is registered,
	// Telegram registers its own (Notify.Register).
	Notify  *notify.Service
	Catalog *i18n.Catalog
	// HTTP is the host every face is mounted in: the main listener's handler.
	HTTP    *httpx.Host
	Web     *web.Server // mounted at /
	API     *api.API    // mounted at /api/v1/
	Metrics *prometheus.Registry
	// Telegram is the bot: the "telegram" notify channel, linking, its poller.
	Telegram *telegram.Service
	// Upkeep is the recurring upkeep plans and their scheduler.
	Upkeep *upkeep.Service
}

// Options adjust New for tests and tools.
type Options struct {
	// Jobs overrides the job client's options (tests shorten poll intervals).
	Jobs jobs.Options
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Directory replaces an unconfigured employee directory (the demo brings its own).
	Directory directory.Directory
	// Argon2 overrides the password hashing cost (tests make it cheap).
	Argon2 users.Argon2Params
	// WrapDB wraps the database's connectors (db.Options.Wrap): tests count queries.
	WrapDB func(driver.Connector) driver.Connector
	// TelegramLimits, TelegramPollTimeout and TelegramLockRetry adjust the bot
	// (tests); zero keeps Telegram's limits and the production timings.
	TelegramLimits                         telegram.Limits
	TelegramPollTimeout, TelegramLockRetry time.Duration
}

// OpenDB opens and migrates the configured database; the CLI commands use it alone.
func OpenDB(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*db.DB, error) {
	return openDB(ctx, cfg, logger, nil)
}

func openDB(ctx context.Context, cfg *config.Config, logger *slog.Logger, wrap func(driver.Connector) driver.Connector) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, db.Options{ConnectTimeout: cfg.DBConnectTimeout, Logger: logger, Wrap: wrap})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, logger); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// New opens and migrates the database and builds every part. Nothing runs until Serve.
func New(ctx context.Context, cfg *config.Config, logger *slog.Logger, opts Options) (*App, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d, err := openDB(ctx, cfg, logger, opts.WrapDB)
	if err != nil {
		return nil, err
	}
	a, err := build(cfg, logger, d, opts)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func build(cfg *config.Config, logger *slog.Logger, d *db.DB, opts Options) (*App, error) {
	cat, err := i18n.New(cfg.DefaultLanguage, logger)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	a := &App{Config: cfg, Logger: logger, DB: d, Catalog: cat, Metrics: reg, Users: users.NewStore(d, opts.Now)}

	dir, err := a.newDirectory(opts.Directory)
	if err != nil {
		return nil, err
	}
	sender, devMail, err := a.newMailSender()
	if err != nil {
		return nil, err
	}
	workers := jobs.NewWorkers()
	jopts := opts.Jobs
	if jopts.Logger == nil {
		jopts.Logger = logger
	}
	jopts.PeriodicJobs = append(jopts.PeriodicJobs, periodicJobs(cfg)...)
	if a.Jobs, err = jobs.New(d, workers, jopts); err != nil {
		return nil, err
	}
	a.Accounts, err = users.NewService(d, a.Users, users.Options{
		BaseURL: cfg.BaseURL, Directory: dir, Jobs: a.Jobs, DevMail: devMail, Argon2: opts.Argon2,
		SessionTTL: cfg.SessionTTL, AdminSessionTTL: cfg.AdminSessionTTL, DefaultLanguage: cfg.DefaultLanguage,
		Catalog: cat, Logger: logger, Now: opts.Now,
	})
	if err != nil {
		return nil, err
	}
	if a.Notify, err = notify.New(d, notify.Options{Queue: a.Jobs, Catalog: cat, BaseURL: cfg.BaseURL, Location: cfg.Location,
		EscalateAfter: cfg.EscalateAfter, Metrics: reg, Logger: logger, Now: opts.Now}); err != nil {
		return nil, err
	}
	a.Notify.Register(notify.MailChannel(a.Notify, sender))
	registerWorkers(workers, a, sender)
	a.setupOps(opts.Now)
	a.Assets = assets.NewService(d, opts.Now)
	rules := tickets.NewRules(d, opts.Now)
	a.Tickets = tickets.NewService(d, rules, a.Assets, opts.Now, tickets.WithNotifier(a.Notify), tickets.WithLocation(cfg.Location))
	a.SLA = sla.NewService(d, cfg.Location, opts.Now)
	a.Reports = reports.NewService(d, cfg.Location, opts.Now)
	a.Upkeep = upkeep.NewService(d, a.Tickets, rules, a.Accounts, cfg.Location, opts.Now)
	a.Telegram = a.newTelegram(opts)
	a.Notify.Register(telegram.NewChannel(a.Telegram))
	a.API = api.New(api.Deps{Config: cfg, Logger: logger, Catalog: cat, Accounts: a.Accounts, Users: a.Users, Assets: a.Assets, Rules: rules, Tickets: a.Tickets,
		Reports: a.Reports, Notify: a.Notify, Telegram: a.Telegram, Audit: audit.NewLog(d), Upkeep: a.Upkeep, SLA: a.SLA, Now: opts.Now})
	a.Web, err = web.New(web.Deps{
		Config: cfg, Logger: logger, Catalog: cat, DB: d, Users: a.Users, Accounts: a.Accounts, Assets: a.Assets, Rules: rules, Tickets: a.Tickets, Reports: a.Reports, Notify: a.Notify, Jobs: a.Jobs,
		Telegram: a.Telegram, Version: Version, Now: opts.Now, Upkeep: a.Upkeep, SLA: a.SLA,
	})
	if err != nil {
		return nil, err
	}
	if a.HTTP, err = httpx.New(httpx.Deps{Config: cfg, Logger: logger, Metrics: reg}); err != nil {
		return nil, err
	}
	a.HTTP.Mount("/", a.Web)
	a.HTTP.Mount(api.Prefix, a.API)
	a.HTTP.Mount(telegram.WebhookPrefix, a.Telegram.Webhook())
	return a, nil
}

// Serve starts the job client and serves HTTP on ln until ctx is cancelled, then
// stops gracefully: no new connections, requests in flight finish (bounded by the
// shutdown timeout), jobs stop, the database closes. A clean stop returns nil.
// With SMARTSERVICE_METRICS_ADDR set, /metrics is served there as well (and only there).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	var mln net.Listener
	if a.Config.MetricsAddr != "" {
		var err error
		if mln, err = net.Listen("tcp", a.Config.MetricsAddr); err != nil {
			ln.Close()
			a.DB.Close()
			return fmt.Errorf("app: listen for metrics on %s: %w", a.Config.MetricsAddr, err)
		}
	}
	return a.ServeWithMetrics(ctx, ln, mln)
}

// ServeWithMetrics is Serve with the metrics listener given (tests pass one on a
// free port); nil serves no separate metrics address.
func (a *App) ServeWithMetrics(ctx context.Context, ln, metricsLn net.Listener) error {
	closeAll := func() {
		ln.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
		a.DB.Close()
	}
	if secret, err := a.Accounts.PrepareSetup(ctx); err != nil {
		closeAll()
		return fmt.Errorf("app: setup secret: %w", err)
	} else if secret != "" {
		a.Logger.Warn("no administrator yet: create one with \"smartservice user create --role admin …\" or open /setup with this one-time secret",
			"url", a.Config.BaseURL.String()+"/setup", "setup_secret", secret)
	}
	if err := a.Jobs.Start(ctx); err != nil {
		closeAll()
		return fmt.Errorf("app: start jobs: %w", err)
	}
	stopBot := a.startTelegram(ctx)
	// Scans are counted in memory and written every few seconds (and below, at
	// the stop), so a view of the device page makes no durable write.
	stopScans := a.Assets.BatchScans(assets.DefaultScanFlush)
	srv := a.httpServer(a.HTTP)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	a.Logger.Info("serving", "addr", ln.Addr().String(), "base_url", a.Config.BaseURL.String(), "database", a.DB.Where, "version", Version)
	var msrv *http.Server
	if metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.HTTP.MetricsHandler())
		msrv = a.httpServer(mux)
		go func() { errc <- msrv.Serve(metricsLn) }()
		a.Logger.Info("serving metrics", "addr", metricsLn.Addr().String())
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.Logger.Info("stopping", "timeout", a.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.Config.ShutdownTimeout)
	defer cancel()
	if msrv != nil {
		if err := msrv.Shutdown(sctx); err != nil {
			msrv.Close()
		}
	}
	if err := srv.Shutdown(sctx); err != nil {
		a.Logger.Warn("requests still in flight at the deadline were cut", "err", err)
		srv.Close()
	}
	stopBot()
	if err := stopScans(sctx); err != nil {
		a.Logger.Warn("the last scan counts were not written", "err", err)
	}
	if err := a.Jobs.Stop(sctx); err != nil {
		a.Logger.Warn("jobs did not stop cleanly", "err", err)
	}
	if err := a.DB.Close(); err != nil {
		a.Logger.Warn("closing the database", "err", err)
	}
	a.Logger.Info("stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// httpServer is an http.Server for h with the timeouts every listener gets.
func (a *App) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
}

// Close releases the database of an App that was built but never served.
func (a *App) Close() error { return a.DB.Close() }
