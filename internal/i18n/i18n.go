// Package i18n holds Smart Service's Russian and English catalogues and picks the
// language of a request. Every user-facing string goes through a Localizer.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var localesFS embed.FS

// Languages are the supported language codes, in the order the switch shows them.
var Languages = []string{"ru", "en"}

// Catalog is the loaded set of messages in every language.
type Catalog struct {
	bundle   *goi18n.Bundle
	def      string
	keys     map[string][]string
	logger   *slog.Logger
	locs     map[string]*Localizer
	fallback *Localizer
}

// New loads the embedded catalogues. def is the language used when nothing else decides.
// The files are parsed once per process and default language (see parsed); each
// Catalog logs its translation problems to its own logger.
func New(def string, logger *slog.Logger) (*Catalog, error) {
	if !slices.Contains(Languages, def) {
		return nil, fmt.Errorf("i18n: unsupported default language %q", def)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p, err := parse(def)
	if err != nil {
		return nil, err
	}
	c := &Catalog{bundle: p.bundle, def: def, keys: p.keys, logger: logger, locs: map[string]*Localizer{}}
	for _, lang := range Languages {
		c.locs[lang] = &Localizer{lang: lang, l: p.localizers[lang], logger: logger, plain: p.plain[lang]}
	}
	c.fallback = c.locs[def]
	return c, nil
}

// parsedCatalog is what New makes of the embedded files: read-only once made, so
// every Catalog of the process shares it. Each App made two (its own and the
// account service's), and the tests make hundreds of Apps: parsing the TOML and
// looking up every plain message was 3.4% of the CPU samples of internal/web's
// test process under -race (perf record -a over the package).
type parsedCatalog struct {
	bundle     *goi18n.Bundle
	keys       map[string][]string
	localizers map[string]*goi18n.Localizer
	plain      map[string]map[string]string
}

// parsed holds a func() (*parsedCatalog, error) per default language, made once.
var parsed sync.Map

// parse returns the parsed catalogue for the default language def.
func parse(def string) (*parsedCatalog, error) {
	f, _ := parsed.LoadOrStore(def, sync.OnceValues(func() (*parsedCatalog, error) { return parseFiles(def) }))
	return f.(func() (*parsedCatalog, error))()
}

// parseFiles reads and checks the embedded files.
func parseFiles(def string) (*parsedCatalog, error) {
	b := goi18n.NewBundle(language.MustParse(def))
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	p := &parsedCatalog{bundle: b, keys: map[string][]string{}, localizers: map[string]*goi18n.Localizer{}, plain: map[string]map[string]string{}}
	// Each area of the product keeps its own pair of files, <area>.en.toml and
	// <area>.ru.toml, so people working on different pages do not edit one file.
	for _, lang := range Languages {
		names, err := fs.Glob(localesFS, "locales/*."+lang+".toml")
		if err != nil || len(names) == 0 {
			return nil, fmt.Errorf("i18n: no catalogue files for %s", lang)
		}
		seen := map[string]string{}
		for _, name := range names {
			buf, err := fs.ReadFile(localesFS, name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			mf, err := b.ParseMessageFileBytes(buf, name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for _, m := range mf.Messages {
				if prev, dup := seen[m.ID]; dup {
					return nil, fmt.Errorf("i18n: key %q is in both %s and %s", m.ID, prev, name)
				}
				seen[m.ID] = name
				p.keys[lang] = append(p.keys[lang], m.ID)
			}
		}
		sort.Strings(p.keys[lang])
	}
	for _, lang := range Languages {
		l := goi18n.NewLocalizer(b, lang)
		plain := map[string]string{}
		// Every message asked for without arguments always reads the same, so
		// each is looked up once here: go-i18n's Localize (language matching,
		// plural rules, a template check) cost a page about as much as
		// executing its template.
		for _, key := range p.keys[lang] {
			if s, err := l.Localize(&goi18n.LocalizeConfig{MessageID: key}); err == nil {
				plain[key] = s
			}
		}
		p.localizers[lang], p.plain[lang] = l, plain
	}
	return p, nil
}

// Default is the configured default language.
func (c *Catalog) Default() string { return c.def }

// Keys lists the message ids of one language, sorted. The slice is shared by
// every Catalog of the process: read it, never change it.
func (c *Catalog) Keys(lang string) []string { return c.keys[lang] }

// Has reports whether the key exists in every language.
func (c *Catalog) Has(key string) bool {
	for _, lang := range Languages {
		if _, found := slices.BinarySearch(c.keys[lang], key); !found {
			return false
		}
	}
	return true
}

// For returns the Localizer of lang, or of the default language when lang is unsupported.
func (c *Catalog) For(lang string) *Localizer {
	if l, ok := c.locs[lang]; ok {
		return l
	}
	return c.fallback
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// Pick chooses the language of a request: an explicit choice (a cookie or a user's
// setting) if supported, else the first supported language of Accept-Language in
// the browser's order of preference, else the default.
func (c *Catalog) Pick(choice, acceptLanguage string) string {
	if Supported(choice) {
		return choice
	}
	if len(acceptLanguage) > 0 && len(acceptLanguage) <= 1024 {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil {
			for _, t := range tags {
				base, _ := t.Base()
				if Supported(base.String()) {
					return base.String()
				}
			}
		}
	}
	return c.def
}

// Localizer translates into one language.
type Localizer struct {
	lang   string
	l      *goi18n.Localizer
	logger *slog.Logger
	// plain holds the text of every message without arguments; read-only after New.
	plain map[string]string
}

// Lang is the language code of the Localizer.
func (l *Localizer) Lang() string { return l.lang }

// T translates key. args are name/value pairs for the message's template
// ({{.Name}}); a pair named "Count" also selects the plural form. A missing key is
// logged and shown as the key itself, so a page never fails on a translation.
func (l *Localizer) T(key string, args ...any) string {
	if len(args) == 0 {
		if s, ok := l.plain[key]; ok {
			return s
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		l.logger.Error("translation problem", "lang", l.lang, "key", key, "err", err)
		if s == "" {
			return key
		}
	}
	return s
}

// Name returns the text of a two-language name in this Localizer's language,
// falling back to the other language when this one is empty.
func (l *Localizer) Name(en, ru string) string {
	if l.lang == "ru" && strings.TrimSpace(ru) != "" || strings.TrimSpace(en) == "" {
		return ru
	}
	return en
}
