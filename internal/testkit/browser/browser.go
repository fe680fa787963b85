// Package browser drives a real headless Chromium (Debian's, through chromedp) for
// end-to-end tests of the HTML pages, at a phone or a desktop viewport.
//
// Each Browser is a tab in a browser context of its own (cookies, storage and
// cache as separate as two private windows). The Browsers of a test binary share
// one Chromium process with a fresh temporary profile: starting Chromium takes
// seconds, a browser context a fraction of that. The process starts with the first
// Browser and is closed with the last one, or after the package's tests when its
// TestMain calls Main, so none outlives the tests.
//
// Every call is bounded by a timeout, so a broken page fails the test instead of
// hanging it, and a failed test leaves a full-page screenshot and the page's HTML
// behind. Helpers fail the test with t.Fatalf: call them from the test's goroutine.
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Environment variables the package reads.
const (
	// ChromiumEnv is the path of the Chromium (or Chrome) executable. When it is set
	// and the file is missing the test fails; when it is unset and none of
	// DefaultChromiums is there the test is skipped.
	ChromiumEnv = "SMARTSERVICE_TEST_CHROMIUM"
	// ArtifactsEnv is the directory screenshots go to, one sub-directory per test
	// (default: $TMPDIR/smartservice-test-artifacts).
	ArtifactsEnv = "SMARTSERVICE_TEST_ARTIFACTS"
)

// DefaultChromiums are the executables tried, in order, when ChromiumEnv is unset.
//
// Debian's chromium-headless-shell comes first: it is Chromium's headless mode
// without the desktop browser around it (no window, UI or profile services), and
// runs the same pages on the same Blink for about half the CPU. Two browser
// tests of internal/web (TestBrowserStaffPagesAtPhoneWidth and
// TestBrowserDevicePageAtPhoneWidth) took 66–73 CPU-s of the whole machine with
// /usr/bin/chromium and 37–40 with the shell, run alternately; CI's test step,
// CPU-bound on two cores, went from 885–940 s to 788 s.
var DefaultChromiums = []string{"/usr/bin/chromium-headless-shell", "/usr/bin/chromium"}

// DefaultTimeout bounds each call of a Browser method.
const DefaultTimeout = 15 * time.Second

const (
	startTimeout = 30 * time.Second // process start and first tab
	closeTimeout = 10 * time.Second // graceful close in Cleanup
	maxConsole   = 100              // console errors kept per page
)

// flags are the only command-line switches given to Chromium (chromedp adds the
// profile directory, the DevTools pipe and about:blank).
var flags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run", "disable-quic",
}

// Viewport is the emulated screen of a Browser.
type Viewport struct {
	// Name names the viewport in subtests and file names ("phone", "desktop").
	Name string
	// Width and Height are the layout viewport in CSS pixels.
	Width, Height int64
	// Scale is the device pixel ratio.
	Scale float64
	// Mobile turns on mobile emulation (the meta viewport applies) and touch.
	Mobile bool
}

// The viewports every page is checked at.
var (
	// Phone is a small Android phone: 360×740 CSS pixels at 2× with touch.
	Phone = Viewport{Name: "phone", Width: 360, Height: 740, Scale: 2, Mobile: true}
	// Desktop is a laptop screen: 1280×800 at 1×.
	Desktop = Viewport{Name: "desktop", Width: 1280, Height: 800, Scale: 1}
	// Viewports lists Phone and Desktop, for table-driven subtests.
	Viewports = []Viewport{Phone, Desktop}
)

// Option adjusts New.
type Option func(*settings)

type settings struct {
	timeout time.Duration
	headers map[string]string
	noAxe   bool
}

// AcceptLanguage makes every request carry this Accept-Language header, e.g. "ru"
// or "en-GB,en;q=0.9".
func AcceptLanguage(value string) Option { return Header("Accept-Language", value) }

// Header adds a request header to every request the browser sends.
func Header(name, value string) Option {
	return func(s *settings) { s.headers[name] = value }
}

// Timeout replaces DefaultTimeout as the bound of each call.
func Timeout(d time.Duration) Option { return func(s *settings) { s.timeout = d } }

// Browser is one tab, in its own browser context, owned by one test.
type Browser struct {
	t       testing.TB
	vp      Viewport
	timeout time.Duration
	ctx     context.Context // the tab; without a deadline, each call adds its own
	// noAxe: pages are not checked with axe-core (WithoutAxe); axeNoted: "not
	// installed" was said.
	noAxe    bool
	axeNoted sync.Once

	mu        sync.Mutex
	mainFrame cdp.FrameID
	status    int // of the main frame's last HTML response
	console   []string
}

// New opens a tab at the viewport in a fresh browser context (starting Chromium
// if it is not running) and closes it when the test ends; when the test has
// failed by then, it first saves a full-page screenshot and the HTML of the page
// and logs their paths. It skips the test when Chromium is not installed (and
// ChromiumEnv is unset).
func New(t testing.TB, vp Viewport, opts ...Option) *Browser {
	t.Helper()
	s := settings{timeout: DefaultTimeout, headers: map[string]string{}}
	for _, o := range opts {
		o(&s)
	}
	proc := acquire(t)

	b := &Browser{t: t, vp: vp, timeout: s.timeout, noAxe: s.noAxe}
	tabCtx, tabCancel := chromedp.NewContext(proc.root, chromedp.WithNewBrowserContext(), chromedp.WithListener(b.onEvent))
	b.ctx = tabCtx
	started := false
	t.Cleanup(func() {
		if started && t.Failed() {
			b.saveFailure()
		}
		// Closes the tab and disposes of its browser context (cookies, cache).
		cctx, cancel := context.WithTimeout(tabCtx, closeTimeout)
		err := chromedp.Cancel(cctx)
		cancel()
		tabCancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("browser (%s): closing the tab: %v", vp.Name, err)
		}
		release(t)
	})

	// The first Run creates the tab and binds its life to the context it is
	// given, so it gets the tab's context itself; a timer bounds it instead.
	timer := time.AfterFunc(startTimeout, tabCancel)
	err := chromedp.Do(tabCtx)
	if !timer.Stop() {
		err = fmt.Errorf("not ready within %s", startTimeout)
	}
	if err != nil {
		t.Fatalf("browser: open a tab in %s: %v\nChromium printed:\n%s", proc.exe, err, proc.out.tail(4096))
	}
	started = true
	b.mu.Lock()
	b.mainFrame = cdp.FrameID(chromedp.FromContext(tabCtx).Target.TargetID) // a page's main frame has its target's id
	b.mu.Unlock()

	emulate := []chromedp.EmulateViewportOption{chromedp.EmulateScale(vp.Scale), chromedp.EmulatePortrait}
	if vp.Width > vp.Height {
		emulate[1] = chromedp.EmulateLandscape
	}
	if vp.Mobile {
		emulate = append(emulate, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.Do("emulate the "+vp.Name+" viewport", chromedp.EmulateViewport(vp.Width, vp.Height, emulate...))
	if len(s.headers) > 0 {
		b.SetHeaders(s.headers)
	}
	return b
}

// executable finds Chromium, or skips (or fails, when it was asked for by name).
func executable(t testing.TB) string {
	t.Helper()
	if exe := os.Getenv(ChromiumEnv); exe != "" {
		if !isFile(exe) {
			t.Fatalf("browser: %s=%s, but there is no such executable", ChromiumEnv, exe)
		}
		return exe
	}
	for _, exe := range DefaultChromiums {
		if isFile(exe) {
			return exe
		}
	}
	t.Skipf("browser: Chromium not found at %s: install it (apt-get install chromium-headless-shell) or set %s to a Chromium or Chrome executable",
		strings.Join(DefaultChromiums, " or "), ChromiumEnv)
	return ""
}

// isFile reports whether path names something other than a directory.
func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// process is the Chromium process the Browsers of a test binary share: starting
// Chromium costs seconds, a browser context in a running one a fraction of that.
// It runs while at least one Browser is open and closes with the last one (or,
// under Main, after the package's last test), so no process outlives the tests
// that used it.
type process struct {
	exe         string
	out         *lockedBuffer
	root        context.Context // the process's first tab; Browsers are its children
	cancelRoot  context.CancelFunc
	cancelAlloc context.CancelFunc
}

var shared struct {
	mu    sync.Mutex
	users int
	proc  *process
	// keep: Main runs the tests, and closes the process after them (not after
	// each last Browser).
	keep bool
}

// Main runs a package's tests with one Chromium for all of them, closed when they
// are done, and returns the exit code for os.Exit:
//
//	func TestMain(m *testing.M) { os.Exit(browser.Main(m)) }
//
// Without it the process closes whenever no Browser is open, and the next
// Browser starts another. In a package whose browser tests run between others
// that happens many times, and a start costs about 4 s of CPU, with about 2 s more
// of Chromium's own work in the seconds after (measured on a quiet 2-core machine
// by summing /proc/PID/stat of the chromium processes): more than a page with
// axe's check does.
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.keep = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.keep = false
	if shared.users == 0 && shared.proc != nil {
		closeProcess(nil)
	}
	return code
}

// acquire returns the running process, starting it if need be, and counts one
// more user.
func acquire(t testing.TB) *process {
	t.Helper()
	exe := executable(t)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if p := shared.proc; p != nil && p.root.Err() != nil {
		// Chromium died (chromedp cancels the root when the connection is lost):
		// its users fail on their own; new ones get a new process.
		p.cancelRoot()
		p.cancelAlloc()
		shared.proc = nil
	}
	if shared.proc == nil {
		p, err := startProcess(exe)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		shared.proc = p
	}
	shared.users++
	return shared.proc
}

// release counts one user less and closes the process after the last one.
func release(t testing.TB) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.users--
	if shared.users > 0 || shared.proc == nil || shared.keep {
		return
	}
	closeProcess(t)
}

// closeProcess closes the shared process (shared.mu held), logging a failure to
// close it gracefully to t when there is one.
func closeProcess(t testing.TB) {
	p := shared.proc
	shared.proc = nil
	ctx, cancel := context.WithTimeout(p.root, closeTimeout)
	err := chromedp.Cancel(ctx) // a graceful close
	cancel()
	p.cancelRoot()
	p.cancelAlloc() // waits for the process to exit and its profile to be removed
	if err != nil && !errors.Is(err, context.Canceled) {
		if t != nil {
			t.Logf("browser: closing Chromium: %v", err)
		} else {
			fmt.Fprintf(os.Stderr, "browser: closing Chromium: %v\n", err)
		}
	}
}

// startProcess starts Chromium with a fresh temporary profile.
func startProcess(exe string) (*process, error) {
	out := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe), chromedp.CombinedOutput(out)}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	// The first Run starts the process and binds its life to the context it is
	// given, so it gets root itself; a timer bounds it instead.
	timer := time.AfterFunc(startTimeout, cancelRoot)
	err := chromedp.Do(root)
	if !timer.Stop() {
		err = fmt.Errorf("not started within %s", startTimeout)
	}
	if err != nil {
		cancelRoot()
		cancelAlloc()
		return nil, fmt.Errorf("start %s: %w\nChromium printed:\n%s", exe, err, out.tail(4096))
	}
	return &process{exe: exe, out: out, root: root, cancelRoot: cancelRoot, cancelAlloc: cancelAlloc}, nil
}

// Viewport returns the viewport the browser emulates.
func (b *Browser) Viewport() Viewport { return b.vp }

// Context returns the tab's chromedp context, for actions this package does not
// wrap. It has no deadline: bound what you run with it.
func (b *Browser) Context() context.Context { return b.ctx }

// Do runs chromedp actions within the call timeout; what describes them in the
// failure message.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	Run(b, what, chromedp.Steps(steps...))
}

// Run runs one chromedp action within the browser's call timeout and returns its
// value, failing the test on error.
func Run[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser (%s): %s: %v", b.vp.Name, what, timeoutNote(err, b.timeout))
	}
	return v
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON value
// into T.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	return Run(b, "evaluate "+abbrev(expr), chromedp.Evaluate[T](expr))
}

// Navigate loads url, waits for the load event, checks the page with axe-core
// and returns the HTTP status of the document.
func (b *Browser) Navigate(url string) int {
	b.t.Helper()
	b.newPage()
	b.Do("navigate to "+url, chromedp.Navigate(url))
	b.autoAxe()
	return b.Status()
}

// ClickAndWait clicks the element (a link, a submit button), waits for the page
// it leads to, checks it with axe-core, and returns that document's HTTP status
// (after redirects).
func (b *Browser) ClickAndWait(selector string) int {
	b.t.Helper()
	b.newPage()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, b.click(selector))
	if err != nil {
		b.t.Fatalf("browser (%s): click %s and wait for the next page: %v", b.vp.Name, selector, timeoutNote(err, b.timeout))
	}
	b.autoAxe()
	if resp == nil {
		return b.Status()
	}
	return int(resp.Status)
}

// Status returns the HTTP status of the main frame's current document (0 before
// the first page). It covers navigations the page starts by itself too.
func (b *Browser) Status() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status
}

// URL returns the address of the current page.
func (b *Browser) URL() string {
	b.t.Helper()
	return Run(b, "read the location", chromedp.Location())
}

// Click clicks the first element matching the CSS selector with the mouse,
// once it is visible, enabled and not covered, without waiting for a navigation
// (use ClickAndWait for links and submit buttons).
func (b *Browser) Click(selector string) {
	b.t.Helper()
	b.Do("click "+selector, b.click(selector))
}

// click scrolls the element into view and clicks the middle of it: a real mouse
// click, which reaches the element only if a person could click it too.
func (b *Browser) click(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		type point struct{ X, Y float64 }
		p, err := evalQuery[point](ctx, t, selector, locateJS, b.timeout)
		if err != nil {
			return err
		}
		_, err = chromedp.MouseClickXY(p.X, p.Y)(ctx, t)
		return err
	})
}

// locateJS returns the middle of a clickable element, in viewport coordinates.
const locateJS = `el => {
	if (el.disabled) return {retry: "it is disabled"};
	el.scrollIntoView({block: "center", inline: "center"});
	// The first box: a link that wraps has one per line, and the middle of their
	// union can be outside all of them.
	const r = Array.from(el.getClientRects()).find(r => r.width > 0 && r.height > 0);
	if (!r) return {retry: "it is not visible"};
	const X = r.left + r.width / 2, Y = r.top + r.height / 2;
	const top = document.elementFromPoint(X, Y);
	if (top && top !== el && !el.contains(top)) return {retry: "it is covered by " + top.outerHTML.slice(0, 80)};
	return {X, Y};
}`

// SetValue sets the value of the form field matching the CSS selector, as typing
// would: the field gets the input and change events.
func (b *Browser) SetValue(selector, value string) {
	b.t.Helper()
	v, _ := json.Marshal(value)
	got := query[string](b, "set the value of "+selector, selector, fmt.Sprintf(`el => {
	if (!("value" in el)) return {retry: "it has no value"};
	el.focus();
	el.value = %s;
	el.dispatchEvent(new Event("input", {bubbles: true}));
	el.dispatchEvent(new Event("change", {bubbles: true}));
	return el.value;
}`, v))
	if got != value {
		b.t.Fatalf("browser (%s): set the value of %s to %q: the field holds %q", b.vp.Name, selector, value, got)
	}
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (b *Browser) WaitVisible(selector string) {
	b.t.Helper()
	query[bool](b, "wait for "+selector+" to be visible", selector, `el => {
	const r = el.getBoundingClientRect(), st = getComputedStyle(el);
	return r.width > 0 && r.height > 0 && st.visibility !== "hidden" || {retry: "it is not visible"};
}`)
}

// Text returns the visible text (innerText) of the first element matching the
// CSS selector, trimmed; it waits for the element to exist.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	return query[string](b, "read the text of "+selector, selector, `el => el.innerText.trim()`)
}

// Texts returns the trimmed visible text of every element matching the CSS
// selector, in document order; none is an empty slice, not a failure.
func (b *Browser) Texts(selector string) []string {
	b.t.Helper()
	sel, _ := json.Marshal(selector)
	return Eval[[]string](b, fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.innerText.trim())`, sel))
}

// Attribute returns the value of the named attribute of the first element
// matching the CSS selector, and whether the element has it; it waits for the
// element to exist.
func (b *Browser) Attribute(selector, name string) (string, bool) {
	b.t.Helper()
	n, _ := json.Marshal(name)
	v := query[*string](b, "read "+name+" of "+selector, selector, fmt.Sprintf(`el => el.getAttribute(%s)`, n))
	if v == nil {
		return "", false
	}
	return *v, true
}

// query applies the JavaScript function fn to the first element matching the
// CSS selector of the current document, waiting until one exists and fn does not
// answer {retry: "why"}. It works on the live page, not on chromedp's copy of the
// DOM tree, so it can never act on an element of the page before a navigation
// (which chromedp's node queries can, just after a page changes); and it is one
// round trip.
func query[T any](b *Browser, what, selector, fn string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (T, error) {
		return evalQuery[T](ctx, t, selector, fn, b.timeout)
	})
	if err != nil {
		b.t.Fatalf("browser (%s): %s: %v", b.vp.Name, what, timeoutNote(err, b.timeout))
	}
	return v
}

// evalQuery is query as a step of a chromedp action.
func evalQuery[T any](ctx context.Context, t *chromedp.Target, selector, fn string, timeout time.Duration) (T, error) {
	var zero T
	sel, _ := json.Marshal(selector)
	expr := fmt.Sprintf(`new Promise(resolve => {
	const sel = %s, fn = %s, deadline = Date.now() + %d;
	const look = () => {
		let why = "no element matches " + sel;
		const el = document.querySelector(sel);
		if (el) {
			const v = fn(el);
			if (v === null || typeof v !== "object" || typeof v.retry !== "string") return resolve({value: v === undefined ? null : v});
			why = sel + ": " + v.retry;
		}
		if (Date.now() > deadline) resolve({error: why});
		else setTimeout(look, 20);
	};
	look();
})`, sel, fn, max(timeout.Milliseconds()-500, 100))
	raw, err := chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise)(ctx, t)
	if err != nil {
		return zero, err
	}
	var res struct {
		Value T      `json:"value"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return zero, fmt.Errorf("decode %s: %w", raw, err)
	}
	if res.Error != "" {
		return zero, errors.New(res.Error)
	}
	return res.Value, nil
}

// timeoutNote says how long the timeout was when err is one.
func timeoutNote(err error, d time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (timeout %s)", err, d)
	}
	return err
}

// SetHeaders replaces the extra headers sent with every request (nil: none).
func (b *Browser) SetHeaders(h map[string]string) {
	b.t.Helper()
	hs := network.Headers{}
	for k, v := range h {
		hs[k] = v
	}
	b.Do("set request headers", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: hs})
		return err
	}))
}

// Cookie returns the browser's cookie of that name for url, or nil.
func (b *Browser) Cookie(url, name string) *network.Cookie {
	b.t.Helper()
	res := Run(b, "read the cookies of "+url, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	})
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ConsoleErrors returns what the current page reported as errors: console.error
// calls, uncaught exceptions, and the browser's own error log (a refused
// Content-Security-Policy, a failed resource load, including an error status of
// the page itself).
func (b *Browser) ConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// CheckNoHorizontalScroll reports an error (not fatal) when the page is wider than
// the viewport, naming the first elements that stick out on the right.
func (b *Browser) CheckNoHorizontalScroll() {
	b.t.Helper()
	type overflow struct {
		ScrollWidth int      `json:"scrollWidth"`
		ClientWidth int      `json:"clientWidth"`
		Offenders   []string `json:"offenders"`
	}
	o := Eval[overflow](b, overflowJS)
	if o.ScrollWidth > o.ClientWidth {
		b.t.Errorf("browser (%s): %s scrolls horizontally: scrollWidth %d > clientWidth %d; sticking out: %s",
			b.vp.Name, b.URL(), o.ScrollWidth, o.ClientWidth, strings.Join(o.Offenders, "; "))
	}
}

const overflowJS = `(() => {
	const de = document.documentElement, cw = de.clientWidth, offenders = [];
	if (de.scrollWidth > cw) {
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > cw + 0.5) {
				let name = el.tagName.toLowerCase();
				if (el.id) name += '#' + el.id;
				if (typeof el.className === 'string' && el.className.trim()) name += '.' + el.className.trim().split(/\s+/).join('.');
				offenders.push(name + ' (right edge ' + Math.round(r.right) + 'px)');
				if (offenders.length === 5) break;
			}
		}
	}
	return {scrollWidth: de.scrollWidth, clientWidth: cw, offenders};
})()`

// Screenshot saves a full-page PNG of the current page as NAME.png in the test's
// artifacts directory and returns its path. A page taller than MaxShotHeight is
// captured down to that height only.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := Run(b, "take screenshot "+name, fullPage)
	path := filepath.Join(artifactsDir(b.t), safeName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browser: save screenshot: %v", err)
	}
	return path
}

// MaxShotHeight bounds a screenshot's height in CSS pixels: about eleven phone
// screens, more than anyone scrolls through in a picture. The demo's catalogue is
// 70,000 px tall at phone width; captured whole at 2× it was a 100-megapixel PNG
// that took Chromium 11 s to encode.
const MaxShotHeight = 8000

// fullPage captures the whole document, not only the viewport, down to
// MaxShotHeight.
func fullPage(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	clip := &page.Viewport{Scale: 1}
	if r := m.CSSContentSize; r != nil {
		clip.Width, clip.Height = math.Ceil(r.Width), math.Ceil(r.Height)
	}
	if v := m.CSSLayoutViewport; v != nil {
		clip.Width = max(clip.Width, float64(v.ClientWidth))
		clip.Height = max(clip.Height, float64(v.ClientHeight))
	}
	clip.Height = min(clip.Height, MaxShotHeight)
	yes := true
	res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, Clip: clip, FromSurface: &yes, CaptureBeyondViewport: &yes, OptimizeForSpeed: &yes,
	})
	return res.Data, err
}

// saveFailure keeps what helps to see why a test failed: a screenshot, the HTML,
// the page's errors. It runs in Cleanup, so it only logs its own failures.
func (b *Browser) saveFailure() {
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	dir := artifactsDir(b.t)
	base := uniquePath(filepath.Join(dir, "failure-"+b.vp.Name))
	where, _ := chromedp.Run(ctx, chromedp.Location())
	var saved []string
	if png, err := chromedp.Run(ctx, fullPage); err != nil {
		b.t.Logf("browser (%s): no failure screenshot: %v", b.vp.Name, err)
	} else if err := os.WriteFile(base+".png", png, 0o644); err == nil {
		saved = append(saved, base+".png")
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
		if err := os.WriteFile(base+".html", []byte(html), 0o644); err == nil {
			saved = append(saved, base+".html")
		}
	}
	b.t.Logf("browser (%s): the test failed on %s (status %d); saved %s", b.vp.Name, where, b.Status(), strings.Join(saved, " and "))
	if errs := b.ConsoleErrors(); len(errs) > 0 {
		b.t.Logf("browser (%s): the page's errors:\n\t%s", b.vp.Name, strings.Join(errs, "\n\t"))
	}
}

// newPage forgets the previous page's console errors before a navigation.
func (b *Browser) newPage() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.console = nil
}

// onEvent runs on the tab's event loop, in order of arrival: it must return fast
// and send no command.
func (b *Browser) onEvent(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument && ev.Response != nil && (b.mainFrame == "" || ev.FrameID == b.mainFrame) {
			b.status = int(ev.Response.Status)
		}
	case *cdplog.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == cdplog.EntryLevelError {
			b.addConsole(fmt.Sprintf("%s: %s (%s)", e.Source, e.Text, e.URL))
		}
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			b.addConsole(fmt.Sprintf("exception: %s (%s:%d)", text, d.URL, d.LineNumber+1))
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			b.addConsole("console." + string(ev.Type) + ": " + strings.Join(parts, " "))
		}
	}
}

func (b *Browser) addConsole(s string) {
	if len(b.console) < maxConsole {
		b.console = append(b.console, s)
	}
}

// cleared remembers the artifacts directories emptied by this process, so a run
// shows only its own screenshots and a test's two browsers do not erase each other's.
var cleared sync.Map

// artifactsDir returns the test's directory for screenshots, created and emptied
// of older PNG and HTML files on first use.
func artifactsDir(t testing.TB) string {
	base := os.Getenv(ArtifactsEnv)
	if base == "" {
		base = filepath.Join(os.TempDir(), "smartservice-test-artifacts")
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = safeName(p)
	}
	dir := filepath.Join(append([]string{base}, parts...)...)
	if _, done := cleared.LoadOrStore(dir, true); !done {
		for _, pat := range []string{"*.png", "*.html"} {
			old, _ := filepath.Glob(filepath.Join(dir, pat))
			for _, f := range old {
				os.Remove(f)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("browser: artifacts directory: %v", err)
	}
	return dir
}

// safeName keeps a file name portable.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	if s == "" || s == "." || s == ".." {
		s = "_"
	}
	return s
}

// uniquePath returns base, or base-2, base-3… when base.png already exists.
func uniquePath(base string) string {
	p := base
	for i := 2; ; i++ {
		if _, err := os.Stat(p + ".png"); errors.Is(err, os.ErrNotExist) {
			return p
		}
		p = fmt.Sprintf("%s-%d", base, i)
	}
}

func abbrev(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// lockedBuffer collects Chromium's output for the start-failure message.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() < 1<<20 {
		l.buf.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
