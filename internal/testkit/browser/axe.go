package browser

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// AxeEnv is the path of axe-core's axe.min.js (.ci/run installs it from the npm
// registry into .ci/node). Unset, the file is looked for in .ci/node of the
// repository the test runs in.
const AxeEnv = "SMARTSERVICE_TEST_AXE"

// axeScript is axe.min.js, read once; "" when it is not installed.
var axeScript = sync.OnceValues(func() (string, string) {
	path := os.Getenv(AxeEnv)
	if path == "" {
		dir, _ := os.Getwd()
		for dir != "" {
			p := filepath.Join(dir, ".ci", "node", "node_modules", "axe-core", "axe.min.js")
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if path == "" {
		return "", "axe-core is not installed (npm install --prefix .ci/node axe-core@4, or set " + AxeEnv + "): pages are not checked with axe"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Sprintf("axe-core at %s cannot be read (%v): pages are not checked with axe", path, err)
	}
	return string(b), ""
})

// WithoutAxe stops the browser from running axe-core on the pages it lands on.
// Every Browser checks each page with axe (see autoAxe); this is for the tests
// of this package itself, whose made-up pages are not pages of the product.
func WithoutAxe() Option { return func(s *settings) { s.noAxe = true } }

// axeTimeout bounds one run of axe-core on a page, unless the call timeout is longer.
const axeTimeout = 90 * time.Second

// axeDoneMark is set on a document's window once axe has checked it, so a
// document is checked once however many helpers land on it; a new document
// (a navigation, a form's answer) starts without it.
const axeDoneMark = "__smartserviceAxeChecked"

// autoAxe runs axe-core on the page the browser has just landed on, at its
// viewport and colour scheme, once per document: Navigate and ClickAndWait call
// it, so every page a test visits is checked and a violation fails the test.
// Documents that are not HTML (a PDF, a CSV, an image) are not checked.
func (b *Browser) autoAxe() {
	b.t.Helper()
	if b.noAxe {
		return
	}
	if script, why := axeScript(); script == "" {
		b.axeNoted.Do(func() { b.t.Log(why) })
		return
	}
	if !Eval[bool](b, `document.contentType === "text/html" && !window.`+axeDoneMark) {
		return
	}
	b.CheckAxe()
}

// CheckAxe runs axe-core's WCAG 2.x A/AA rules and best practices on the current
// page and fails the test on each violation, naming the rule and the elements.
// Pages are checked on arrival already; call it again after changing what the
// page looks like without loading another (SetDarkMode, a menu unfolded).
//
// A page state already checked in this test binary (checkedStates) is not run
// through axe again: its violations, if it had any, are reported again as they
// were found.
func (b *Browser) CheckAxe() {
	b.t.Helper()
	script, why := axeScript()
	if script == "" {
		b.axeNoted.Do(func() { b.t.Log(why) })
		return
	}
	// Reading axe (half a megabyte) and running it on a long page (the demo's
	// rules, hundreds of rows) take many seconds on a busy machine: more than one
	// call's timeout.
	ctx, cancel := context.WithTimeout(b.ctx, max(b.timeout, axeTimeout))
	defer cancel()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.`+axeDoneMark+` = true, `+pageStateJS))
	if err != nil {
		b.t.Fatalf("browser (%s): read %s for axe: %v", b.vp.Name, b.URL(), timeoutNote(err, max(b.timeout, axeTimeout)))
	}
	key := sha256.Sum256([]byte(b.vp.Name + "\n" + state))
	found, seen := checkedStates.Load(key)
	if !seen {
		found = b.runAxe(ctx, script)
		checkedStates.Store(key, found)
	}
	for _, v := range found.([]axeViolation) {
		b.t.Errorf("browser (%s): axe on %s: %s (%s): %s\n\t%s", b.vp.Name, b.URL(), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// pageStateJS is what axe's verdict on a page depends on: the viewport, the
// colour scheme and the document. Hidden inputs' values are left out: neither
// drawn nor given to assistive technology, they differ between visits of one page
// (a form's next path names the device scanned).
const pageStateJS = `(() => {
	const doc = document.documentElement.cloneNode(true);
	doc.querySelectorAll("input[type=hidden]").forEach(i => i.removeAttribute("value"));
	return [innerWidth, innerHeight, devicePixelRatio, matchMedia("(prefers-color-scheme: dark)").matches,
		document.contentType, doc.outerHTML].join("\n");
})()`

// axeViolation is one rule a page breaks, as reported.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// checkedStates remembers, for the life of the test binary, the page states axe
// has checked (the sha256 of the state, see CheckAxe) and the []axeViolation it
// found. The browser tests visit the same pages many times (the login page 47
// times in internal/web, identical each time), and each check costs Chromium
// half a megabyte of script to load into the document and 0.3 s or more to run:
// about a third of Chromium's CPU in TestBrowserNewStaffPagesFitAPhone. axe's
// verdict is a function of the state the key is made of, so a repeat gives the
// verdict of the first check; a state that differs in anything axe sees is
// checked anew.
var checkedStates sync.Map

// runAxe loads axe into the page when it is not there yet and returns its
// violations; a failure to run it fails the test.
func (b *Browser) runAxe(ctx context.Context, script string) []axeViolation {
	b.t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](script+";true"))
	}
	if err != nil {
		b.t.Fatalf("browser (%s): load axe into %s: %v", b.vp.Name, b.URL(), timeoutNote(err, max(b.timeout, axeTimeout)))
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		ID: v.id, Impact: v.impact || "", Help: v.help, Nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + (n.failureSummary ? ": " + n.failureSummary.split("\n").slice(1).join(" ").trim() : ""))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser (%s): run axe on %s: %v", b.vp.Name, b.URL(), timeoutNote(err, max(b.timeout, axeTimeout)))
	}
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		b.t.Fatalf("browser (%s): axe's answer: %v", b.vp.Name, err)
	}
	return vs
}

// SetDarkMode makes the page see prefers-color-scheme: dark (or light), so both
// palettes can be looked at and checked with axe.
func (b *Browser) SetDarkMode(dark bool) {
	b.t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	b.Do("emulate prefers-color-scheme: "+scheme, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	}))
}

// AxeInstalled reports whether axe-core was found (AxeEnv, or .ci/node), that
// is whether pages are checked with it.
func AxeInstalled() bool {
	script, _ := axeScript()
	return script != ""
}
